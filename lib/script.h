#pragma once
// The SQL script form of a plan: what `plan --sql` prints and `plan --out`
// saves. Statements end with ';', comments start with '--'.

#include <string>
#include <utility>
#include <vector>

#include "lib/dialect.h"

namespace addrmig {

// The statements alone, each preceded by its comment: the part checksummed
// into history (sql_checksum) and into saved plan files.
std::string render_statements(const std::vector<Statement>& statements);

// {statements of the migration transaction, statements run after its COMMIT}.
std::pair<std::vector<Statement>, std::vector<Statement>> split_after_commit(
    const std::vector<Statement>& statements);

// A complete script that a person can review and run with sqlite3 or psql:
// header comments, then BEGIN; statements; COMMIT; then each after_commit
// statement in a BEGIN; ...; COMMIT; of its own (SQLite table rebuilds
// also switch foreign keys off around the transaction, as apply does).
// A blocked plan has no statements; its blockers are listed as comments so a
// reviewer reading the script sees why nothing would run.
std::string render_script(const std::vector<Statement>& statements, Dialect dialect,
                          bool has_rebuild, const std::vector<std::string>& blockers = {});

}  // namespace addrmig
