#pragma once
// The planner: (config, inspected catalog, measured facts, capabilities) ->
// Plan. Pure: no database, no I/O, deterministic, config order.

#include <vector>

#include "lib/config.h"
#include "lib/capabilities.h"
#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig {

// Where a parent and its address table live (schema defaulted per dialect).
TableRef parent_ref(const ParentSpec& parent, const Capabilities& caps);
TableRef address_ref(const Config& config, const ParentSpec& parent, const Capabilities& caps);

// Every table the planner will look at: each parent, then its address table,
// in config order.
std::vector<TableRef> tables_to_inspect(const Config& config, const Capabilities& caps);

// The data facts the plan depends on, given what the catalog holds (row counts
// of tables that gain a NOT NULL column, NULL counts before SET NOT NULL,
// orphan counts before adding an FK). Empty when nothing needs measuring.
std::vector<FactRequest> fact_requests(const Config& config, const Catalog& catalog,
                                       const Capabilities& caps);

Plan make_plan(const Config& config, const Catalog& catalog, const Facts& facts,
               const Capabilities& caps);

// The plan made without facts, with the facts it asked for. When it asked
// for none, it is make_plan's plan: planning then runs once, not twice.
struct PlanDraft {
  Plan plan;
  std::vector<FactRequest> requests;
};
PlanDraft draft_plan(const Config& config, const Catalog& catalog, const Capabilities& caps);

}  // namespace addrmig
