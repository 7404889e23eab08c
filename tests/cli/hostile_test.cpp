// Identifiers are data, not SQL; values are bound. Hostile names and values
// go through apply, seed and verify and come back exactly, and nothing else
// is created, changed or dropped.

#include <set>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const std::vector<std::string>& hostile_parents() {
  static const std::vector<std::string> names = {
      "order", "user", "Mixed Case", "spa ce", "quo\"te", "single'quote", "semi;colon",
      "dash--dash", "ünïcødé_表", "select * from x; drop table y", "co:lon :p0"};
  return names;
}

const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> values = {
      "it's", "say \"hi\"", "semi; colon; DROP TABLE \"order\"; --", "back\\slash \\n \\\\", "ünïcødé 表 🚀",
      "'); DELETE FROM user; --", std::string(10000, 'x') + "end"};
  return values;
}

std::string hostile_config() {
  std::string body =
      "[related]\nname = \"address\"\nforeign_key = \"parent id\"\ncolumns = [\n"
      "  { name = \"street\", type = \"text\" },\n"
      "  { name = \"from\", type = \"text\" },\n"
      "  { name = \"we'ird; --\", type = \"text\" },\n]\n";
  for (const auto& parent : hostile_parents())
    body += "\n[[parents]]\ntable = " + toml_string(parent) + "\ncolumns = [ { name = \"Name\", type = \"text\" } ]\n";
  const auto& values = hostile_values();
  for (std::size_t i = 0; i < hostile_parents().size(); ++i) {
    const std::string& v = values[i % values.size()];
    body += "\n[[seed]]\nparent = " + toml_string(hostile_parents()[i]) + "\nvalues = { Name = " + toml_string(v) +
            " }\naddresses = [\n";
    for (std::size_t j = 0; j < values.size(); ++j)
      body += "  { street = " + toml_string(values[j]) + ", from = " + toml_string(values[(j + i) % values.size()]) +
              ", \"we'ird; --\" = " + toml_string(std::to_string(j)) + " },\n";
    body += "]\n";
  }
  return body;
}

std::set<std::string> tables_in(TestDatabase& db) {
  auto rows = db.dialect() == Dialect::Sqlite
                  ? db.query("SELECT name FROM sqlite_schema WHERE type = 'table'")
                  : db.query("SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
  return {rows.begin(), rows.end()};
}

void hostile_names_and_values_round_trip(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec("CREATE TABLE bystander (id integer PRIMARY KEY, note text)");
  db.exec("INSERT INTO bystander (id, note) VALUES (1, 'untouched')");
  const auto config = write_config(db, hostile_config());

  CliResult run = cli(config, {"run"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("verify: ok") != std::string::npos);

  std::set<std::string> expected{"bystander", "addrmig_history"};
  for (const auto& parent : hostile_parents()) {
    expected.insert(parent);
    expected.insert(parent + "_address");
  }
  CHECK(tables_in(db) == expected);
  CHECK(db.query("SELECT note FROM bystander") == std::vector<std::string>{"untouched"});

  // Every stored value is byte-for-byte what the config said.
  const std::string table = dialect == Dialect::Sqlite ? "\"quo\"\"te_address\"" : "public.\"quo\"\"te_address\"";
  auto streets = db.query("SELECT street FROM " + table + " ORDER BY id");
  std::vector<std::string> wanted = hostile_values();
  CHECK(streets == wanted);

  CliResult again = cli(config, {"run"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("inserted 0 parent rows and 0 address rows") != std::string::npos);
  CHECK(cli(config, {"audit"}).exit_code == 0);
}
DIALECT_TEST("hostile identifiers and values round-trip; nothing else is touched", hostile_names_and_values_round_trip)

}  // namespace

TEST_CASE("PostgreSQL names longer than 63 bytes are config errors", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const std::string long_name(56, 'p');  // + "_address" = 64 bytes
  const auto config = write_config(db, "[[parents]]\ntable = \"" + long_name + "\"\ncolumns = [ { name = \"n\", type = \"text\" } ]\n");
  CliResult r = cli(config, {"apply"});
  CHECK(r.exit_code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("addrmig.toml:") != std::string::npos);
  CHECK(r.err.find("63") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0);

  // 55 bytes fits (63 with the suffix); the generated FK and index names are shortened and unique.
  const std::string fits(54, 'q');  // + 1 + "_address" = 63 bytes
  const auto ok = write_config(db, "[[parents]]\ntable = \"" + fits + "a\"\ncolumns = [ { name = \"n\", type = \"text\" } ]\n"
                                   "[[parents]]\ntable = \"" + fits + "b\"\ncolumns = [ { name = \"n\", type = \"text\" } ]\n",
                               "ok.toml");
  CliResult applied = cli(ok, {"apply"});
  INFO(applied.err);
  REQUIRE(applied.exit_code == 0);
  CHECK(db.count("SELECT count(DISTINCT conname) FROM pg_constraint WHERE contype = 'f' AND length(conname) <= 63") == 2);
  CHECK(db.count("SELECT count(DISTINCT indexrelid::regclass::text) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                 "WHERE c.relname LIKE 'qqq%address' AND NOT i.indisprimary") == 2);
  CHECK(cli(ok, {"plan", "--check"}).exit_code == 0);
}
