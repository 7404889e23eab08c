#pragma once
// Repairs carried out in place with ALTER TABLE (dialects whose
// Capabilities have alter_constraints).

#include <vector>

#include "lib/capabilities.h"
#include "lib/plan.h"
#include "lib/planner/desired.h"

namespace addrmig::planner {

// `validate_at_once`: an added FK is valid when added, with no separate
// validation (the FK column is among repairs.add_columns, so it holds no
// values; or the table refuses NOT VALID).
std::vector<Step> alter_steps(const ParentContext& ctx, bool validate_at_once,
                              const TableRepairs& repairs);

}  // namespace addrmig::planner
