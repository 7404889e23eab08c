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
#include "lib/progress.h"

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
// `batch_size`: apply commits at most that many parents per transaction (0:
// all in one). The plan says how many transactions that makes, and is
// blocked when one of them would need more lock slots than the server has.
PlannedMigration plan_migration(Connection& conn, const Config& config,
                                const ProgressFn& progress = {}, std::size_t batch_size = 0);

// The parents (indexes into plan.parents) that have steps, split into the
// transactions a batched apply runs: consecutive groups of `batch_size`
// (0: one group).
std::vector<std::vector<std::size_t>> plan_batches(const Plan& plan, std::size_t batch_size);

// The plan with only `parents`' steps left: what one batch applies.
Plan batch_plan(const Plan& plan, const std::vector<std::size_t>& parents);

// True when the plan rebuilds a table (SQLite), which needs foreign keys off
// around the transaction.
bool has_rebuild(const Plan& plan);

}  // namespace addrmig
