#include "cmd/report.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace addrmig::cli {
namespace {

bool g_json_printed = false;
Json g_json_left;  // see leave_json_for_error
std::string g_json_left_stage;

char status_symbol(ParentStatus status) {
  switch (status) {
    case ParentStatus::Ok: return '=';
    case ParentStatus::Create: return '+';
    case ParentStatus::Change: return '~';
    case ParentStatus::Blocked: return '!';
  }
  return '?';
}

char severity_symbol(Severity severity) {
  switch (severity) {
    case Severity::Info: return 'i';
    case Severity::Change: return '~';
    case Severity::Blocker: return '!';
  }
  return '?';
}

Json finding_json(const Finding& finding) {
  Json j;
  j["kind"] = finding_kind_name(finding.kind);
  j["severity"] = severity_name(finding.severity);
  j["table"] = finding.table.display();
  j["column"] = finding.column;
  j["expected"] = finding.expected;
  j["found"] = finding.found;
  j["message"] = finding.message;
  if (finding.kind == FindingKind::Orphans || finding.kind == FindingKind::NullForeignKeys) {
    j["count"] = finding.count;
    j["samples"] = finding.samples;
  }
  return j;
}

Json statements_json(const ParentPlan& parent) {
  Json out = Json::array();
  for (const Statement& statement : parent.statements) {
    Json j{{"comment", statement.comment}, {"sql", statement.sql + ";"}};
    if (statement.after_commit) j["after_commit"] = true;
    out.push_back(std::move(j));
  }
  return out;
}

Json row_json(const RowView& row) {
  Json values = Json::object();
  for (const auto& [column, value] : row.cells) values[column] = value ? Json(*value) : Json(nullptr);
  return Json{{"table", row.table}, {"values", values}};
}

void print_finding(std::ostream& out, const Finding& finding) {
  out << "    " << severity_symbol(finding.severity) << " " << finding.message << "\n";
}

std::string indent_sql(const std::string& sql) {
  std::string out = "      ";
  for (char c : sql) {
    out += c;
    if (c == '\n') out += "      ";
  }
  return out;
}

const char* status_color(ParentStatus status) {
  switch (status) {
    case ParentStatus::Ok: return "\033[2m";        // dim
    case ParentStatus::Create: return "\033[32m";   // green
    case ParentStatus::Change: return "\033[33m";   // yellow
    case ParentStatus::Blocked: return "\033[31m";  // red
  }
  return "";
}

// "1 parent", "2 parents".
std::string parents_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " parent" : " parents"); }

std::string parent_headline(const ParentPlan& parent, bool color = false) {
  std::string line(1, status_symbol(parent.status()));
  line += " " + parent.parent + " -> " + parent.address_table.display() + ": " +
          std::string(parent_status_name(parent.status()));
  return color ? status_color(parent.status()) + line + "\033[0m" : line;
}

}  // namespace

std::size_t drift_count(const Plan& plan) {
  std::size_t n = 0;
  for (const ParentPlan& parent : plan.parents)
    for (const Finding& finding : parent.findings)
      if (finding.severity != Severity::Info) ++n;
  for (const Finding& finding : plan.findings)
    if (finding.severity != Severity::Info) ++n;
  return n;
}

Json plan_json(const Plan& plan) {
  Json parents = Json::array();
  for (const ParentPlan& parent : plan.parents) {
    Json findings = Json::array();
    for (const Finding& finding : parent.findings) findings.push_back(finding_json(finding));
    parents.push_back(Json{{"parent", parent.parent},
                           {"table", parent.parent_table.display()},
                           {"address_table", parent.address_table.display()},
                           {"status", parent_status_name(parent.status())},
                           {"findings", findings},
                           {"statements", statements_json(parent)}});
  }
  Json findings = Json::array();
  for (const Finding& finding : plan.findings) findings.push_back(finding_json(finding));
  Json doc{{"dialect", dialect_name(plan.dialect)},
           {"blocked", plan.blocked()},
           {"pending", plan.pending()},
           {"drift", drift_count(plan)},
           {"parents", parents},
           {"findings", findings}};
  if (plan.batching.batch_size > 0)
    doc["batching"] = Json{{"batch_size", plan.batching.batch_size},
                           {"transactions", plan.batching.batches},
                           {"lock_slots", plan.batching.lock_slots},
                           {"lock_capacity", plan.batching.lock_capacity}};
  return doc;
}

Json verify_json(const VerifyReport& report) {
  Json entries = Json::array();
  for (const VerifyEntry& entry : report.entries) {
    Json parents = Json::array();
    for (const RowView& row : entry.parent_rows) parents.push_back(row_json(row));
    Json addresses = Json::array();
    for (const AddressView& address : entry.addresses) {
      Json reached = Json::array();
      for (const RowView& row : address.parents) reached.push_back(row_json(row));
      addresses.push_back(Json{{"address", row_json(address.address)}, {"parents", reached}});
    }
    entries.push_back(Json{{"parent", entry.parent},
                           {"config_line", entry.line},
                           {"parent_rows", parents},
                           {"addresses", addresses},
                           {"mismatches", entry.mismatches}});
  }
  return Json{{"ok", report.mismatch_count() == 0},
              {"mismatches", report.mismatch_count()},
              {"entries", entries}};
}

Json history_json(const std::vector<HistoryEntry>& entries) {
  Json out = Json::array();
  for (const HistoryEntry& e : entries)
    out.push_back(Json{{"id", e.id},
                       {"applied_at", e.applied_at},
                       {"tool_version", e.tool_version},
                       {"config_checksum", e.config_checksum},
                       {"sql_checksum", e.sql_checksum},
                       {"statement_count", e.statement_count},
                       {"duration_ms", e.duration_ms},
                       {"source", e.source},
                       {"dialect", e.dialect},
                       {"run_id", e.run_id.empty() ? Json(nullptr) : Json(e.run_id)}});
  return Json{{"entries", out}};
}

Json seed_json(const SeedResult& result) {
  return Json{{"parents_inserted", result.parents_inserted},
              {"addresses_inserted", result.addresses_inserted}};
}

Json apply_json(const ApplyResult& result) {
  Json doc{{"applied", result.applied},
           {"statement_count", result.applied ? result.planned.statement_count() : 0},
           {"duration_ms", result.duration_ms},
           {"sql_checksum", result.sql_checksum},
           {"run_id", result.run_id.empty() ? Json(nullptr) : Json(result.run_id)},
           {"plan", plan_json(result.planned.plan)}};
  if (result.planned.plan.batching.batch_size > 0) doc["transactions"] = result.batches;
  return doc;
}

void print_json(const Json& body, const std::string& command) {
  Json doc{{"format_version", kJsonFormatVersion}, {"command", command.empty() ? Json(nullptr) : Json(command)}};
  doc.update(body);
  // replace: a path or argument may hold bytes that are not UTF-8.
  std::cout << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  g_json_printed = true;
}

bool json_printed() { return g_json_printed; }

void leave_json_for_error(Json completed, const std::string& stage) {
  g_json_left = std::move(completed);
  g_json_left_stage = stage;
}

Json json_error_document(const std::string& message, int exit_code) {
  Json doc = g_json_left.is_object() ? g_json_left : Json::object();
  Json error = Json::object();
  if (!g_json_left_stage.empty()) error["stage"] = g_json_left_stage;
  error["message"] = message;
  error["exit"] = exit_code;
  doc["error"] = std::move(error);
  return doc;
}

bool use_color(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(fd) && !(no_color && *no_color) && !(term && std::strcmp(term, "dumb") == 0);
}

void print_plan(std::ostream& out, const Plan& plan, bool with_sql, bool color) {
  for (const ParentPlan& parent : plan.parents) {
    out << parent_headline(parent, color) << "\n";
    for (const Finding& finding : parent.findings) print_finding(out, finding);
    if (!with_sql) continue;
    for (const Statement& statement : parent.statements)
      out << "      -- " << (statement.after_commit ? "after COMMIT: " : "") << statement.comment << "\n"
          << indent_sql(statement.sql) << ";\n";
  }
  // Tied to no parent: at the top level, not under the last parent printed.
  if (!plan.findings.empty()) out << "\n";
  for (const Finding& finding : plan.findings)
    out << severity_symbol(finding.severity) << " " << finding.message << "\n";
  std::size_t ok = 0, create = 0, change = 0, blocked = 0;
  for (const ParentPlan& parent : plan.parents) {
    switch (parent.status()) {
      case ParentStatus::Ok: ++ok; break;
      case ParentStatus::Create: ++create; break;
      case ParentStatus::Change: ++change; break;
      case ParentStatus::Blocked: ++blocked; break;
    }
  }
  out << "\n" << parents_text(plan.parents.size()) << ": " << create << " to create, " << change
      << " to change, " << ok << " ok, " << blocked << " blocked";
  const std::size_t plan_wide = static_cast<std::size_t>(
      std::count_if(plan.findings.begin(), plan.findings.end(), [](const Finding& f) { return f.severity == Severity::Blocker; }));
  if (plan_wide > 0) out << ", " << plan_wide << " plan-wide blocker" << (plan_wide == 1 ? "" : "s") << " (above)";
  if (plan.blocked()) out << " (nothing will be applied until every blocker is resolved)";
  out << "\n";
  const Batching& batching = plan.batching;
  if (!plan.blocked() && batching.batch_size > 0 && batching.batches > 0)
    out << "apply runs this in " << batching.batches << " transaction" << (batching.batches == 1 ? "" : "s")
        << " of at most " << batching.batch_size
        << " parents (batch size), each under the migration lock with its own re-plan and history row\n";
}

void print_audit(std::ostream& out, const Plan& plan) {
  for (const ParentPlan& parent : plan.parents) {
    out << parent_headline(parent) << "\n";
    for (const Finding& f : parent.findings) {
      out << "    " << severity_symbol(f.severity) << " " << finding_kind_name(f.kind) << " "
          << f.table.display() << (f.column.empty() ? "" : "." + f.column);
      if (!f.expected.empty() || !f.found.empty())
        out << " (expected: " << (f.expected.empty() ? "-" : f.expected)
            << "; found: " << (f.found.empty() ? "-" : f.found) << ")";
      out << "\n      " << f.message << "\n";
    }
  }
  for (const Finding& f : plan.findings)
    out << "i " << finding_kind_name(f.kind) << " " << f.table.display() << "\n      " << f.message << "\n";
  const std::size_t drift = drift_count(plan);
  out << "\n" << (drift == 0 ? std::string("no drift") : std::to_string(drift) + " finding(s) need action")
      << "\n";
}

void print_verify(std::ostream& out, const VerifyReport& report) {
  for (const VerifyEntry& entry : report.entries) {
    for (const RowView& parent : entry.parent_rows) {
      out << parent.display() << "\n";
      for (const AddressView& address : entry.addresses) out << "    " << address.address.display() << "\n";
    }
    for (const AddressView& address : entry.addresses) {
      out << address.address.display() << "\n";
      for (const RowView& parent : address.parents) out << "    -> " << parent.display() << "\n";
    }
  }
  std::size_t mismatches = 0;
  for (const VerifyEntry& entry : report.entries)
    for (const std::string& line : entry.mismatches) {
      out << "MISMATCH " << line << "\n";  // each line names the seeded row it is about
      ++mismatches;
    }
  const std::size_t n = report.entries.size();
  out << (mismatches == 0 ? "verify: ok, " + std::to_string(n) + (n == 1 ? " seed entry matches" : " seed entries match") +
                                " in both directions"
                          : "verify: " + std::to_string(mismatches) + " mismatch(es)")
      << "\n";
}

void print_history(std::ostream& out, const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) {
    out << "no applied plans recorded\n";
    return;
  }
  for (const HistoryEntry& e : entries)
    out << e.id << "  " << e.applied_at << "  addrmig " << e.tool_version << "  " << e.dialect << "  "
        << e.statement_count << (e.statement_count == 1 ? " statement  " : " statements  ") << e.duration_ms << " ms  source=" << e.source
        << "  config=" << e.config_checksum.substr(0, 12) << "  sql=" << e.sql_checksum.substr(0, 12)
        << (e.run_id.empty() ? "" : "  run=" + e.run_id) << "\n";
}

void print_apply(std::ostream& out, const ApplyResult& result, bool color) {
  const Plan& plan = result.planned.plan;
  if (plan.blocked()) {
    print_plan(out, plan, false, color);
    return;
  }
  if (!result.applied) {
    out << "nothing to do: " << parents_text(plan.parents.size()) << " up to date\n";
    return;
  }
  print_plan(out, plan, false, color);
  const std::size_t count = result.planned.statement_count();
  out << "applied " << count << (count == 1 ? " statement" : " statements") << " in " << result.duration_ms << " ms";
  if (result.batches > 1) out << " in " << result.batches << " transactions";
  out << "\n";
}

void print_seed(std::ostream& out, const SeedResult& result) {
  const auto rows = [](int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? " row" : " rows");
  };
  out << "seed: inserted " << rows(result.parents_inserted, "parent") << " and "
      << rows(result.addresses_inserted, "address") << "\n";
}

}  // namespace addrmig::cli
