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

std::pair<std::vector<Statement>, std::vector<Statement>> split_after_commit(
    const std::vector<Statement>& statements) {
  std::pair<std::vector<Statement>, std::vector<Statement>> out;
  for (const Statement& statement : statements)
    (statement.after_commit ? out.second : out.first).push_back(statement);
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
  const auto [in_transaction, after_commit] = split_after_commit(statements);
  if (!in_transaction.empty()) {
    out += "BEGIN;\n";
    out += render_statements(in_transaction);
    out += "COMMIT;\n";
  }
  if (fk_pragmas) out += "PRAGMA foreign_keys = ON;\n";
  for (const Statement& statement : after_commit) {
    out += "-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID\n";
    out += "BEGIN;\n" + render_statements({statement}) + "COMMIT;\n";
  }
  return out;
}

}  // namespace addrmig
