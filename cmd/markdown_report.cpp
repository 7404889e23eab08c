#include "cmd/markdown_report.h"

#include "lib/script.h"

#include <algorithm>
#include <sstream>

#include "cmd/mermaid.h"
#include "lib/script.h"

namespace addrmig::cli {
namespace {

// Text in a paragraph or table cell: markdown's own characters escaped, so a
// name or message never turns into markup or breaks a table row.
std::string text(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n': case '\r': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '~': case '#':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::size_t longest_backtick_run(const std::string& raw) {
  std::size_t longest = 0, run = 0;
  for (char c : raw) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// An inline code span (a name as written). In a table, '|' must be escaped
// even inside code.
std::string code(const std::string& raw, bool in_table = true) {
  std::string body;
  for (char c : raw) {
    if (c == '\n' || c == '\r') body += ' ';
    else if (c == '|' && in_table) body += "\\|";
    else body += c;
  }
  const std::string fence(longest_backtick_run(raw) + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// A fenced block; the fence is longer than any run of backticks inside.
void fenced(std::ostream& out, const std::string& language, const std::string& body) {
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(body) + 1), '`');
  out << fence << language << "\n" << body << (body.empty() || body.back() == '\n' ? "" : "\n") << fence
      << "\n";
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

struct StatusCounts {
  std::size_t create = 0, change = 0, ok = 0, blocked = 0;
};

StatusCounts count_statuses(const Plan& plan) {
  StatusCounts n;
  for (const ParentPlan& parent : plan.parents) {
    switch (parent.status()) {
      case ParentStatus::Ok: ++n.ok; break;
      case ParentStatus::Create: ++n.create; break;
      case ParentStatus::Change: ++n.change; break;
      case ParentStatus::Blocked: ++n.blocked; break;
    }
  }
  return n;
}

std::string plan_counts(const Plan& plan) {
  const StatusCounts n = count_statuses(plan);
  return plural(plan.parents.size(), "parent", "parents") + ": " + std::to_string(n.create) +
         " to create, " + std::to_string(n.change) + " to change, " + std::to_string(n.ok) + " ok, " +
         std::to_string(n.blocked) + " blocked";
}

std::string dialect_note(const Plan& plan) { return " (" + std::string(dialect_name(plan.dialect)) + ")"; }

std::string findings_cell(const ParentPlan& parent) {
  std::size_t blockers = 0, changes = 0, infos = 0;
  for (const Finding& finding : parent.findings) {
    if (finding.severity == Severity::Blocker) ++blockers;
    else if (finding.severity == Severity::Change) ++changes;
    else ++infos;
  }
  std::string out;
  auto add = [&](std::size_t n, const char* one, const char* many) {
    if (n) out += (out.empty() ? "" : ", ") + plural(n, one, many);
  };
  add(blockers, "blocker", "blockers");
  add(changes, "change", "changes");
  add(infos, "info", "infos");
  return out.empty() ? "none" : out;
}

std::string verdict(ParentStatus status) {
  const std::string name(parent_status_name(status));
  return status == ParentStatus::Blocked ? "**" + name + "**" : name;
}

void parents_table(std::ostream& out, const Plan& plan) {
  out << "| parent | address table | verdict | findings |\n| --- | --- | --- | --- |\n";
  for (const ParentPlan& parent : plan.parents)
    out << "| " << code(parent.parent_table.display()) << " | " << code(parent.address_table.display())
        << " | " << verdict(parent.status()) << " | " << findings_cell(parent) << " |\n";
  out << "\n";
}

void diagram(std::ostream& out, const Plan& plan, const Config& config) {
  const ErDiagram er = er_diagram(plan, config.related.columns, kDiagramMaxParents);
  if (er.shown == 0) return;
  fenced(out, "mermaid", er.source);
  if (er.shown < er.total)
    out << "\n_The diagram shows " << er.shown << " of " << er.total
        << " parents, those the plan changes or blocks first; the table lists every parent._\n";
  out << "\n";
}

std::string severity_word(Severity severity) {
  const std::string name(severity_name(severity));
  return severity == Severity::Blocker ? "**" + name + "**" : name;
}

// plan: the message; audit also says what was expected and found.
void finding_item(std::ostream& out, const Finding& finding, bool detailed) {
  out << "- " << severity_word(finding.severity) << " " << code(std::string(finding_kind_name(finding.kind)), false);
  if (detailed) {
    out << " on " << code(finding.table.display() + (finding.column.empty() ? "" : "." + finding.column), false);
    if (!finding.expected.empty() || !finding.found.empty())
      out << " (expected " << text(finding.expected.empty() ? "-" : finding.expected) << ", found "
          << text(finding.found.empty() ? "-" : finding.found) << ")";
  }
  out << ": " << text(finding.message) << "\n";
}

void statements(std::ostream& out, const ParentPlan& parent) {
  // As the text report says it: a validation runs after the COMMIT.
  std::vector<Statement> shown = parent.statements;
  for (Statement& statement : shown)
    if (statement.after_commit) statement.comment = "after COMMIT: " + statement.comment;
  const std::string sql = render_statements(shown);
  const std::size_t count = parent.statements.size();
  if (count == 0) return;
  const std::size_t lines = static_cast<std::size_t>(std::count(sql.begin(), sql.end(), '\n'));
  out << "\n";
  if (lines <= kSqlOpenLines) {
    fenced(out, "sql", sql);
    return;
  }
  out << "<details><summary>SQL: " << plural(count, "statement", "statements") << ", " << lines
      << " lines</summary>\n\n";
  fenced(out, "sql", sql);
  out << "\n</details>\n";
}

// Sections for the parents with something to say, with their SQL when `with_sql`.
void parent_sections(std::ostream& out, const Plan& plan, bool with_sql, bool detailed) {
  for (const ParentPlan& parent : plan.parents) {
    const bool has_sql = with_sql && !parent.statements.empty();
    if (parent.findings.empty() && !has_sql) continue;
    out << "#### " << code(parent.parent_table.display(), false) << " → "
        << code(parent.address_table.display(), false) << ": " << parent_status_name(parent.status())
        << "\n\n";
    for (const Finding& finding : parent.findings) finding_item(out, finding, detailed);
    if (has_sql) statements(out, parent);
    out << "\n";
  }
  if (plan.findings.empty()) return;
  out << "#### Not tied to a configured parent\n\n";
  for (const Finding& finding : plan.findings) finding_item(out, finding, detailed);
  out << "\n";
}

void plan_body(std::ostream& out, const Plan& plan, bool with_sql, const Config& config,
               bool detailed) {
  parents_table(out, plan);
  diagram(out, plan, config);
  parent_sections(out, plan, with_sql, detailed);
}

std::string drift_count_text(const Plan& plan) {
  std::size_t n = 0;
  for (const ParentPlan& parent : plan.parents)
    for (const Finding& finding : parent.findings) n += finding.severity != Severity::Info;
  for (const Finding& finding : plan.findings) n += finding.severity != Severity::Info;
  return n == 0 ? "no drift" : plural(n, "finding needs", "findings need") + " action";
}

std::string apply_summary(const ApplyResult& result) {
  const Plan& plan = result.planned.plan;
  if (plan.blocked()) return "blocked, nothing applied; " + plan_counts(plan);
  if (!result.applied) return "nothing to do, " + plural(plan.parents.size(), "parent", "parents") + " up to date";
  return "applied " + plural(result.planned.statement_count(), "statement", "statements") + " in " +
         std::to_string(result.duration_ms) + " ms; " + plan_counts(plan);
}

std::string verify_summary(const VerifyReport& report) {
  const std::size_t mismatches = report.mismatch_count();
  if (mismatches > 0) return plural(mismatches, "mismatch", "mismatches");
  return "ok, " + plural(report.entries.size(), "seed entry matches", "seed entries match") +
         " in both directions";
}

void verify_body(std::ostream& out, const VerifyReport& report) {
  out << "| seed | parent row | addresses | result |\n| --- | --- | --- | --- |\n";
  for (const VerifyEntry& entry : report.entries) {
    std::string rows;
    for (const RowView& row : entry.parent_rows) rows += (rows.empty() ? "" : "<br>") + code(row.display());
    out << "| " << code(entry.parent) << " (line " << entry.line << ") | " << (rows.empty() ? "none" : rows)
        << " | " << entry.addresses.size() << " | "
        << (entry.mismatches.empty() ? std::string("ok") : "**" + plural(entry.mismatches.size(), "mismatch", "mismatches") + "**")
        << " |\n";
  }
  out << "\n";
  if (report.mismatch_count() == 0) return;
  out << "#### Mismatches\n\n";
  for (const VerifyEntry& entry : report.entries)
    for (const std::string& line : entry.mismatches) out << "- " << text(line) << "\n";
  out << "\n";
}

}  // namespace

void print_plan_markdown(std::ostream& out, const Plan& plan, const Config& config) {
  out << "**addrmig plan**" << dialect_note(plan) << ": " << plan_counts(plan);
  if (plan.blocked()) out << "; nothing will be applied until every blocker is resolved";
  out << "\n\n";
  plan_body(out, plan, true, config, false);
}

void print_audit_markdown(std::ostream& out, const Plan& plan, const Config& config) {
  out << "**addrmig audit**" << dialect_note(plan) << ": " << drift_count_text(plan) << "; "
      << plan_counts(plan) << "\n\n";
  plan_body(out, plan, false, config, true);
}

void print_apply_markdown(std::ostream& out, const ApplyResult& result, const Config& config) {
  const Plan& plan = result.planned.plan;
  out << "**addrmig apply**" << dialect_note(plan) << ": " << apply_summary(result) << "\n\n";
  plan_body(out, plan, result.applied || plan.blocked(), config, false);
}

void print_verify_markdown(std::ostream& out, const VerifyReport& report) {
  out << "**addrmig verify**: " << verify_summary(report) << "\n\n";
  verify_body(out, report);
}

void print_run_markdown(std::ostream& out, const ApplyResult& applied, const SeedResult* seeded,
                        const VerifyReport* verified, const Config& config) {
  const Plan& plan = applied.planned.plan;
  out << "**addrmig run**" << dialect_note(plan) << ": " << apply_summary(applied);
  if (seeded)
    out << "; seed inserted " << plural(seeded->parents_inserted, "parent row", "parent rows") << " and "
        << plural(seeded->addresses_inserted, "address row", "address rows");
  if (verified) out << "; verify " << verify_summary(*verified);
  out << "\n\n### Apply\n\n";
  plan_body(out, plan, applied.applied || plan.blocked(), config, false);
  if (!verified) return;
  out << "### Verify\n\n";
  verify_body(out, *verified);
}

void print_failure_markdown(std::ostream& out, const std::string& command, const std::string& error, int exit_code) {
  out << "**addrmig " << (command.empty() ? "" : command + " ") << "failed** (exit " << exit_code << ")\n\n";
  fenced(out, "", error);
}

}  // namespace addrmig::cli
