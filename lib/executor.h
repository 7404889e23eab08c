#pragma once
// apply: take the migration lock, re-plan inside it (so concurrent runs apply
// once and the rest find nothing to do), run every statement in the same
// transaction, check, record history, commit. Any failure rolls everything
// back.

#include <chrono>
#include <string>

#include "lib/config.h"
#include "lib/connection.h"
#include "lib/planning.h"

namespace addrmig {

struct ApplyOptions {
  std::chrono::milliseconds lock_timeout{60'000};
};

struct ApplyResult {
  PlannedMigration planned;   // the plan made under the lock
  bool applied = false;       // false: blocked, or nothing to do
  std::int64_t duration_ms = 0;
  std::string sql_checksum;   // of the statements run (empty when none)
};

// Throws LockTimeout (exit 3), DbError (a statement failed; rolled back).
// A blocked plan is returned with applied == false and changes nothing.
ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options);

}  // namespace addrmig
