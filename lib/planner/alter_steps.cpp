#include "lib/planner/alter_steps.h"

#include "lib/planner/text.h"

namespace addrmig::planner {

// Columns, then the FK swap, then validation (a separate step where the
// dialect can add an FK NOT VALID: the long scan then takes only a SHARE
// UPDATE EXCLUSIVE lock), then NOT NULL.
std::vector<Step> alter_steps(const ParentContext& ctx, bool validate_at_once,
                              const TableRepairs& repairs) {
  const auto at = [&](const std::string& column) { return column_text(ctx.address, column); };
  std::vector<Step> steps;
  for (const Column& column : repairs.add_columns)
    steps.push_back(Step{AddColumn{ctx.address, column}, "add column " + at(column.name)});
  if (!repairs.drop_fk.empty())
    steps.push_back(Step{DropForeignKey{ctx.address, repairs.drop_fk},
                         "drop foreign key " + repairs.drop_fk + " (replaced next)"});
  if (repairs.add_fk) {
    ForeignKey fk = *repairs.add_fk;
    fk.validated = validate_at_once || !ctx.caps.not_valid_foreign_keys;
    steps.push_back(Step{AddForeignKey{ctx.address, fk},
                         "foreign key " + at(ctx.fk_column()) + " -> " +
                             target_text(ctx.parent, fk.ref_columns)});
    if (!fk.validated)
      steps.push_back(
          Step{ValidateForeignKey{ctx.address, fk.name}, "validate foreign key " + fk.name});
  }
  if (!repairs.validate_fk.empty())
    steps.push_back(Step{ValidateForeignKey{ctx.address, repairs.validate_fk},
                         "validate foreign key " + repairs.validate_fk});
  for (const std::string& column : repairs.set_not_null)
    steps.push_back(Step{SetNotNull{ctx.address, column}, "set NOT NULL on " + at(column)});
  return steps;
}

}  // namespace addrmig::planner
