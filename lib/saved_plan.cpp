#include "lib/saved_plan.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lib/checksum.h"
#include "lib/errors.h"
#include "lib/script.h"

namespace addrmig {
namespace {

constexpr std::string_view kMagic = "-- addrmig saved plan";

std::string table_line(const TableFingerprint& t) {
  // JSON keeps any identifier (quotes, newlines, unicode) on one line.
  return "-- table: " + t.digest + " " + nlohmann::json::array({t.table.schema, t.table.name}).dump() + "\n";
}

TableFingerprint parse_table_line(const std::string& value, const std::string& path) {
  const auto space = value.find(' ');
  try {
    auto names = nlohmann::json::parse(value.substr(space + 1));
    return {TableRef{names.at(0).get<std::string>(), names.at(1).get<std::string>()}, value.substr(0, space)};
  } catch (const std::exception&) {
    throw Error(path + ": malformed table line in the saved plan header: " + value);
  }
}

}  // namespace

std::string saved_plan_body(const PlannedMigration& planned, Dialect dialect) {
  return render_script(planned.plan, dialect_of(dialect));
}

std::string write_saved_plan(const PlannedMigration& planned, const Config& config, Dialect dialect) {
  const std::string body = saved_plan_body(planned, dialect);
  std::string out = std::string(kMagic) + "\n";
  out += "-- version: " ADDRMIG_VERSION "\n";
  out += "-- dialect: " + std::string(dialect_name(dialect)) + "\n";
  out += "-- config-checksum: " + config.checksum + "\n";
  out += "-- body-checksum: " + sha256_hex(body) + "\n";
  for (const TableFingerprint& t : fingerprint_tables(planned.catalog, planned.plan.tables())) out += table_line(t);
  out += "--\n";
  return out + body;
}

SavedPlan read_saved_plan(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read saved plan '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  if (all.rfind(kMagic, 0) != 0) throw Error(path + ": not an addrmig saved plan (write one with plan --out)");
  const auto end = all.find("\n--\n");
  if (end == std::string::npos) throw Error(path + ": saved plan header has no end marker");
  SavedPlan plan;
  plan.path = path;
  plan.body = all.substr(end + 4);
  std::istringstream header(all.substr(0, end));
  std::string line;
  while (std::getline(header, line)) {
    const auto colon = line.find(": ");
    if (line.rfind("-- ", 0) != 0 || colon == std::string::npos) continue;
    const std::string key = line.substr(3, colon - 3), value = line.substr(colon + 2);
    if (key == "version") plan.version = value;
    else if (key == "dialect") plan.dialect = value;
    else if (key == "config-checksum") plan.config_checksum = value;
    else if (key == "body-checksum") plan.body_checksum = value;
    else if (key == "table") plan.tables.push_back(parse_table_line(value, path));
  }
  if (plan.body_checksum.empty() || plan.dialect.empty())
    throw Error(path + ": saved plan header lacks dialect or body-checksum");
  if (sha256_hex(plan.body) != plan.body_checksum)
    throw PlanChanged(path + ": the SQL was edited after the plan was saved (checksum mismatch); "
                             "write a new plan with plan --out");
  return plan;
}

}  // namespace addrmig
