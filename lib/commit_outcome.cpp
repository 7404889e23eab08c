#include "lib/commit_outcome.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "lib/errors.h"
#include "lib/history.h"

namespace addrmig {
namespace {

// How often to try reaching the server again after losing it during COMMIT
// (it may be restarting).
constexpr int kReconnectAttempts = 3;

// Asks a new connection whether the transaction with `run_id` committed.
// Throws CommitUnknown when the server cannot tell.
bool committed_on_server(const Connection& lost, const std::string& run_id, const std::string& history_schema,
                         const std::string& what, std::chrono::milliseconds lock_timeout) {
  const std::string unknown = what + "; outcome unknown: check `addrmig history` for run " + run_id;
  for (int attempt = 1;; ++attempt) {
    try {
      Connection conn = Connection::open(lost.url(), OpenMode::ReadWrite, lock_timeout);
      MigrationTransaction lock(conn, lock_timeout, /*foreign_keys_off=*/false);
      return history_has_run(conn, history_schema, run_id);
    } catch (const ConnectError& e) {
      spdlog::debug("reconnecting after the lost COMMIT (attempt {}): {}", attempt, e.what());
      if (attempt == kReconnectAttempts) throw CommitUnknown(unknown + " (cannot reach the server: " + e.what() + ")");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (const LockTimeout&) {
      throw CommitUnknown(unknown + " (the transaction still holds the migration lock on the server)");
    } catch (const Interrupted&) {
      throw CommitUnknown(unknown + " (interrupted while asking the server)");
    } catch (const DbError& e) {
      throw CommitUnknown(unknown + " (" + e.what() + ")");
    }
  }
}

}  // namespace

void commit_or_resolve(Connection& conn, MigrationTransaction& transaction, const std::string& run_id,
                       const std::string& history_schema, std::chrono::milliseconds lock_timeout,
                       const std::string& what) {
  try {
    transaction.commit();
  } catch (const CommitUnknown& e) {
    if (!committed_on_server(conn, run_id, history_schema, e.what(), lock_timeout))
      throw DbError(std::string(e.what()) + "; reconnected: run " + run_id + " is not in addrmig_history, " +
                    what + " was not applied");
    spdlog::warn("{}; reconnected: run {} is in addrmig_history, {} is committed", e.what(), run_id, what);
  }
}

}  // namespace addrmig
