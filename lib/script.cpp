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
  out += "BEGIN;\n";
  for (const ParentPlan& parent : plan.parents) out += render_statements(parent.statements);
  out += "COMMIT;\n";
  for (const std::string& sql : frame.after_commit) out += sql + ";\n";
  return out;
}

}  // namespace addrmig
