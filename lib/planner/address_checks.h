#pragma once
// An existing address table against the desired one: every difference
// becomes a Finding and, where it is safe, a Step that repairs it.

#include <vector>

#include "lib/plan.h"
#include "lib/planner/desired.h"
#include "lib/planner/facts.h"

namespace addrmig::planner {

// Findings go to `findings`; the returned steps repair the Change ones.
std::vector<Step> check_address_table(const ParentContext& ctx, const ParentKey& key,
                                      const Table& existing, FactLookup& facts,
                                      std::vector<Finding>& findings);

}  // namespace addrmig::planner
