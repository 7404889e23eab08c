#include "lib/planner/foreign_keys.h"

#include <algorithm>

#include "lib/planner/text.h"

namespace addrmig::planner {

bool references_key(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                    const ForeignKey& fk) {
  // Without schemas an FK carries none (SQLite).
  const bool same_table = (!ctx.caps.schemas || fk.ref_schema == ctx.parent.schema) &&
                          same_table_name(ctx.caps, fk.ref_table, ctx.parent.name);
  const bool same_columns = existing.same_names(fk.ref_columns, {key.column}) ||
                            (fk.ref_columns.empty() && key.is_primary_key);
  return same_table && same_columns;
}

const ForeignKey* chosen_foreign_key(const ParentContext& ctx, const ParentKey& key,
                                     const Table& existing, const ForeignKey& desired) {
  const ForeignKey* first = nullptr;
  const ForeignKey* to_key = nullptr;
  for (const ForeignKey& fk : existing.foreign_keys) {
    if (!existing.same_names(fk.columns, {ctx.fk_column()})) continue;
    if (!first) first = &fk;
    if (references_key(ctx, key, existing, fk)) {
      if (fk.on_delete == desired.on_delete) return &fk;
      if (!to_key) to_key = &fk;
    }
  }
  return to_key ? to_key : first;
}

void report_other_foreign_keys(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                               const ForeignKey& chosen, const ForeignKey& desired,
                               std::vector<Finding>& findings) {
  const std::string fk_column = ctx.fk_column();
  const std::string at = column_text(ctx.address, fk_column);
  for (const ForeignKey& fk : existing.foreign_keys) {
    if (&fk == &chosen || !existing.same_names(fk.columns, {fk_column})) continue;
    const std::string target = target_text(
        TableRef{fk.ref_schema, fk.ref_table, ctx.caps.schemas && fk.ref_schema == ctx.caps.default_schema},
        fk.ref_columns);
    const std::string rule = "ON DELETE " + std::string(on_delete_sql(fk.on_delete));
    if (references_key(ctx, key, existing, fk) && fk.on_delete == desired.on_delete) {
      findings.push_back(make_finding(FindingKind::ForeignKeyConflict, Severity::Info, ctx.address, fk_column,
                                      "", fk.name,
                                      "foreign key " + fk.name + " on " + at + " repeats " + chosen.name +
                                          " (" + target + " " + rule + "); reported only, never dropped"));
      continue;
    }
    findings.push_back(make_finding(
        FindingKind::ForeignKeyConflict, Severity::Blocker, ctx.address, fk_column,
        "one foreign key on " + fk_column, fk.name + " -> " + target + " " + rule,
        "foreign key " + fk.name + " on " + at + " also references " + target + " " + rule +
            ", which contradicts the config (" + target_text(ctx.parent, desired.ref_columns) +
            " ON DELETE " + std::string(on_delete_sql(desired.on_delete)) +
            "): both would act on every row; drop " + fk.name + " by hand, then plan again"));
  }
}

std::string free_fk_name(const ParentContext& ctx, const Table& existing, const std::string& planned,
                         const std::string& dropped) {
  const auto taken = [&](const std::string& name) {
    return name != dropped && std::find(existing.constraint_names.begin(), existing.constraint_names.end(),
                                        name) != existing.constraint_names.end();
  };
  const std::string base = ctx.address.name + "_" + ctx.fk_column() + "_fkey";
  return free_name(planned, base, ctx.caps.max_identifier_bytes, taken);
}

}  // namespace addrmig::planner
