#pragma once
// What an existing address table holds beyond the config: extra columns and
// indexes, and invalid indexes. Reported as Info findings, never dropped.

#include <vector>

#include "lib/plan.h"
#include "lib/planner/desired.h"
#include "lib/schema.h"

namespace addrmig::planner {

void report_extras(const ParentContext& ctx, const Table& existing, std::vector<Finding>& findings);

}  // namespace addrmig::planner
