#include "lib/script.h"

#include "lib/sql.h"

namespace addrmig {

std::string render_statements(const std::vector<Statement>& statements) {
  std::string out;
  for (const Statement& statement : statements) {
    if (!statement.comment.empty()) out += "-- " + statement.comment + "\n";
    out += statement.sql + ";\n";
  }
  return out;
}

std::pair<std::vector<Statement>, std::vector<Statement>> split_after_commit(
    const std::vector<Statement>& statements) {
  std::pair<std::vector<Statement>, std::vector<Statement>> out;
  for (const Statement& statement : statements)
    (statement.after_commit ? out.second : out.first).push_back(statement);
  return out;
}

std::string render_script(const Plan& plan, const DatabaseDialect& dialect) {
  std::string out = "-- addrmig " ADDRMIG_VERSION " plan for " + std::string(dialect.name()) + "\n";
  if (plan.blocked()) {
    for (const Finding* blocker : plan.blockers())
      out += "-- blocked: " + sql_comment(blocker->message) + "\n";
    return out + "-- nothing will be applied until every blocker is resolved\n";
  }
  if (plan.statement_count() == 0) return out + "-- nothing to do\n";
  const ScriptFrame frame = dialect.script_frame(plan);
  for (const std::string& sql : frame.before_begin) out += sql + ";\n";
  const auto [in_transaction, after_commit] = split_after_commit(plan.statements());
  if (!in_transaction.empty()) out += "BEGIN;\n" + render_statements(in_transaction) + "COMMIT;\n";
  for (const std::string& sql : frame.after_commit) out += sql + ";\n";
  for (const Statement& statement : after_commit) {
    out += "-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID\n";
    out += "BEGIN;\n" + render_statements({statement}) + "COMMIT;\n";
  }
  return out;
}

}  // namespace addrmig
