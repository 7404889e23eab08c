#include "lib/script.h"

#include "lib/identifier.h"

namespace addrmig {

std::string render_statements(const std::vector<Statement>& statements) {
  std::string out;
  for (const Statement& statement : statements) {
    if (!statement.comment.empty()) out += "-- " + statement.comment + "\n";
    out += statement.sql + ";\n";
  }
  return out;
}

std::string render_script(const std::vector<Statement>& statements, Dialect dialect,
                          bool has_rebuild, const std::vector<std::string>& blockers) {
  std::string out = "-- addrmig " ADDRMIG_VERSION " plan for " + std::string(dialect_name(dialect)) + "\n";
  if (!blockers.empty()) {
    for (const std::string& blocker : blockers) out += "-- blocked: " + escape_control(blocker) + "\n";
    return out + "-- nothing will be applied until every blocker is resolved\n";
  }
  if (statements.empty()) return out + "-- nothing to do\n";
  const bool fk_pragmas = dialect == Dialect::Sqlite && has_rebuild;
  if (fk_pragmas) out += "PRAGMA foreign_keys = OFF;\n";
  out += "BEGIN;\n";
  out += render_statements(statements);
  out += "COMMIT;\n";
  if (fk_pragmas) out += "PRAGMA foreign_keys = ON;\n";
  return out;
}

}  // namespace addrmig
