#pragma once
// Test helpers for planner tests: a deterministic text description of a Plan
// (compared against golden files), and a model of what apply would leave
// behind, so that re-planning it can be checked to be empty.

#include <string>

#include "lib/dialect.h"
#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig::test {

// One line per parent, finding and step; changed tables are listed column by
// column. Stable across runs: only plan data, in plan order.
std::string describe_plan(const Plan& plan);

// The catalog an inspector would read after applying `plan` to the database
// `catalog` describes (blocked parents change nothing).
Catalog apply_to_catalog(Catalog catalog, const Plan& plan, const Capabilities& caps);

// Compares `actual` with tests/golden/planner/<name>.txt under the source dir
// ($ADDRMIG_SOURCE_DIR); with ADDRMIG_UPDATE_GOLDEN=1 rewrites the file.
void check_golden(const std::string& name, const std::string& actual);

}  // namespace addrmig::test
