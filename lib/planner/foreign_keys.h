#pragma once
// Which of an address table's foreign keys on the FK column addrmig judges,
// and what the others mean: a repeat is reported, a contradiction blocks.

#include <vector>

#include "lib/plan.h"
#include "lib/planner/desired.h"
#include "lib/schema.h"

namespace addrmig::planner {

// Whether `fk` references the parent key (the parent's PK when it names no
// columns).
bool references_key(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                    const ForeignKey& fk);

// The FK addrmig judges when the column has several: one that is already
// right, else one to the right target, else the first; nullptr: none.
const ForeignKey* chosen_foreign_key(const ParentContext& ctx, const ParentKey& key,
                                     const Table& existing, const ForeignKey& desired);

// Every other FK on the column acts too: on DELETE of a parent the strictest
// one wins, and each must find its own parent row. One that repeats the
// chosen FK is reported (Info); any other contradicts the config (Blocker).
void report_other_foreign_keys(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                               const ForeignKey& chosen, const ForeignKey& desired,
                               std::vector<Finding>& findings);

// `planned`, or a numbered `<table>_<fk>_fkey_N` when another constraint of
// the table holds it (ADD CONSTRAINT would fail); `dropped` is being freed.
std::string free_fk_name(const ParentContext& ctx, const Table& existing, const std::string& planned,
                         const std::string& dropped);

}  // namespace addrmig::planner
