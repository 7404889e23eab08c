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
  Plan plan;  // each unblocked parent carries its rendered statements
  Catalog catalog;
  std::size_t catalog_queries = 0;  // statements the inspector ran

  // All statements, in order; empty when blocked or nothing to do.
  std::vector<Statement> statements() const { return plan.statements(); }
  std::size_t statement_count() const { return plan.statement_count(); }
};

// `progress` hears Inspecting (0 of N parents, then N of N) and Measuring
// (before the data checks, when there are any). Runs in the caller's
// transaction. `batch_size`: apply commits at most that many parents per
// transaction (0: all in one); the plan says how many transactions that makes
// and is blocked when one would need more lock slots than the server has.
PlannedMigration plan_migration(Connection& conn, const Config& config,
                                const ProgressFn& progress = {}, std::size_t batch_size = 0);

// plan_migration inside a read-only snapshot (plan, audit): one consistent
// view across every catalog query, rolled back at the end.
PlannedMigration plan_read_only(Connection& conn, const Config& config,
                                const ProgressFn& progress = {}, std::size_t batch_size = 0);

}  // namespace addrmig
