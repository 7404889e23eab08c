#pragma once
// The read half shared by plan, audit and apply: inspect, measure, plan,
// render. `plan` runs exactly this; `apply` runs exactly this under its lock
// and then executes the result (one code path for dry and real runs, unlike
// liquibase#5510).

#include <cstddef>
#include <vector>

#include "lib/config.h"
#include "lib/connection.h"
#include "lib/dialect.h"
#include "lib/plan.h"
#include "lib/progress_event.h"

namespace addrmig {

struct PlannedMigration {
  Plan plan;
  Catalog catalog;
  std::vector<Statement> statements;  // empty when blocked or nothing to do
  std::size_t catalog_queries = 0;    // statements the inspector ran
};

Capabilities capabilities_for(Dialect dialect);

// `progress` hears Inspecting (0 of N parents, then N of N) and Measuring
// (before the data checks, when there are any).
PlannedMigration plan_migration(Connection& conn, const Config& config,
                                const ProgressFn& progress = {});

// True when the plan rebuilds a table (SQLite), which needs foreign keys off
// around the transaction.
bool has_rebuild(const Plan& plan);

}  // namespace addrmig
