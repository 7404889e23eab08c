#pragma once
// Why a saved plan (apply FILE) no longer applies: which tables changed since
// it was saved, what the re-plan found instead, and whether this very plan
// was applied already (a retried CI job).

#include <optional>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/connection.h"
#include "lib/fingerprint.h"
#include "lib/history.h"
#include "lib/migration.h"
#include "lib/saved_plan.h"

namespace addrmig {

// "customer now exists, supplier_address changed"; empty when none changed.
std::string describe_changes(const std::vector<TableFingerprint>& saved,
                             const std::vector<TableFingerprint>& now);

// Why the re-plan no longer yields the saved SQL although every table kept
// its fingerprint: a blocker the data now causes (orphans, NULLs), the config,
// the addrmig version, or else the data facts behind the plan.
std::string why_plan_differs(const SavedPlan& saved, const Config& config, const PlannedMigration& now);

// Whether everything `now` would run is after-commit statements (PostgreSQL
// VALIDATE) that the saved plan has too.
bool only_validations_of(const PlannedMigration& now, const SavedPlan& saved);

// The history row of an earlier apply of exactly this saved plan (the same
// SQL, by checksum), if any.
std::optional<HistoryEntry> earlier_apply(Connection& conn, const Config& config, const SavedPlan& saved);

}  // namespace addrmig
