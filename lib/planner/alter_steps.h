#pragma once
// Repairs carried out in place with ALTER TABLE (dialects whose
// Capabilities have alter_constraints).

#include <vector>

#include "lib/capabilities.h"
#include "lib/plan.h"
#include "lib/planner/desired.h"

namespace addrmig::planner {

// `fk_column_added`: the FK column is among repairs.add_columns (so it
// holds no values to validate).
std::vector<Step> alter_steps(const ParentContext& ctx, bool fk_column_added,
                              const TableRepairs& repairs);

}  // namespace addrmig::planner
