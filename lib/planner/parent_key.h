#pragma once
// Which column of an existing parent table the address FK references: the
// configured key (a column that is the primary key or alone in a valid,
// non-partial unique index), else the single-column primary key. Shared by
// the planner and by seed/verify, so they can never disagree about it.

#include <optional>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/plan.h"
#include "lib/planner/desired.h"
#include "lib/schema.h"

namespace addrmig::planner {

// The key, or nullopt with a Blocker finding (on `ref`) appended to
// `findings` that says why there is none and what to do.
std::optional<ParentKey> existing_parent_key(const ParentSpec& spec, const Table& parent,
                                             const TableRef& ref, std::vector<Finding>& findings);

}  // namespace addrmig::planner
