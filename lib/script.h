#pragma once
// The SQL script form of a plan: what `plan --sql` prints and `plan --out`
// saves. Statements end with ';', comments start with '--'.

#include <string>
#include <utility>
#include <vector>

#include "lib/dialect.h"

namespace addrmig {

// The statements alone, each preceded by its comment.
std::string render_statements(const std::vector<Statement>& statements);

// {statements of the migration transaction, statements run after its COMMIT}.
std::pair<std::vector<Statement>, std::vector<Statement>> split_after_commit(
    const std::vector<Statement>& statements);

// A complete script that a person can review and run with sqlite3 or psql:
// header comments, then BEGIN; statements; COMMIT; with what the dialect
// runs outside the transaction (SQLite table rebuilds switch foreign keys
// off around it, as apply does). A blocked plan has no statements; its
// blockers are listed as comments so a reviewer sees why nothing would run.
// This whole text is what the history's sql_checksum and a saved plan's
// body-checksum cover.
std::string render_script(const Plan& plan, const DatabaseDialect& dialect);

}  // namespace addrmig
