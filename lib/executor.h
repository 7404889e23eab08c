#pragma once
// apply: take the migration lock, re-plan inside it (so concurrent runs apply
// once and the rest find nothing to do), run every statement in the same
// transaction, check, record history, commit. Any failure rolls everything
// back. Then, on PostgreSQL, each VALIDATE CONSTRAINT in a transaction of its
// own (under the lock and the same timeouts), recorded in history too.

#include <chrono>
#include <functional>
#include <string>

#include "lib/config.h"
#include "lib/connection.h"
#include "lib/migration.h"
#include "lib/progress_event.h"

namespace addrmig {

struct ApplyOptions {
  std::chrono::milliseconds lock_timeout{60'000};
  // Hears the planning stages, then Applying before each statement and, on
  // SQLite, every few thousand rows a statement copies; Finished at the end.
  ProgressFn progress;
  // `run`: refuse before applying when a [[seed]] could not be inserted
  // afterwards (a seed_incomplete finding), so nothing commits and then fails.
  bool seeds_must_insert = false;
  // At most this many parents per transaction, each batch under the lock
  // with its own re-plan and history row (0: everything in one transaction).
  std::size_t batch_size = 0;
  // Called right after each migration transaction commits, with its
  // statement count: whoever reports the outcome knows it even if the process
  // is stopped before apply returns.
  std::function<void(std::size_t statements)> on_commit;
};

struct ApplyResult {
  PlannedMigration planned;   // the plan made under the lock
  bool applied = false;       // false: blocked, or nothing to do
  std::int64_t duration_ms = 0;
  std::string sql_checksum;   // of the statements run (empty when none); the last batch's
  std::string run_id;         // recorded in addrmig_history (empty when nothing applied); the last batch's
  std::size_t batches = 0;    // transactions committed
};

// Throws LockTimeout (exit 3), DbError (a statement failed; rolled back),
// Interrupted (SIGINT/SIGTERM; rolled back), CommitUnknown (the connection
// was lost during COMMIT and the server cannot say whether it committed).
// Every message says whether anything was applied. When the connection is
// lost during COMMIT, a new connection looks for the run id the transaction
// recorded in addrmig_history: found, the apply succeeded (a warning says
// so); not found, DbError "not applied". A failure after the migration
// committed (a validation) says "the migration was committed; then ...".
// A blocked plan is returned with applied == false and changes nothing.
ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options);

// apply FILE: the same, but runs only if every table the saved plan read
// still has its fingerprint and the statements are byte-identical to the
// file's; otherwise throws PlanChanged (exit 2) naming what changed, having
// changed nothing.
struct SavedPlan;
ApplyResult apply_saved_plan(Connection& conn, const Config& config, const SavedPlan& saved,
                             const ApplyOptions& options);

// Opens the database for `apply FILE`: a plan made from an existing SQLite
// file never creates one (a missing file is PlanChanged, exit 2).
Connection open_for_saved_plan(const DatabaseUrl& url, const SavedPlan& saved,
                               std::chrono::milliseconds lock_timeout);

}  // namespace addrmig
