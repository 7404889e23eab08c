#pragma once
// The truth about a COMMIT whose connection was lost in flight: the
// transaction recorded a unique run id in addrmig_history; a new connection
// looks for it once the migration lock is free (the old transaction has ended
// either way).

#include <chrono>
#include <string>

#include "lib/connection.h"
#include "lib/transaction.h"

namespace addrmig {

// Commits `transaction`. When the connection is lost during COMMIT:
// reconnects and looks for `run_id` in the history (kept in
// `history_schema`); found: logs a warning that `what` ("the migration") is
// committed and returns; not found: throws DbError "... `what` was not
// applied"; the server cannot tell: throws CommitUnknown (exit 4).
void commit_or_resolve(Connection& conn, MigrationTransaction& transaction, const std::string& run_id,
                       const std::string& history_schema, std::chrono::milliseconds lock_timeout,
                       const std::string& what);

}  // namespace addrmig
