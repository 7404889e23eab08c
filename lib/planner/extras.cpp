#include "lib/planner/extras.h"

#include <algorithm>

#include "lib/planner/text.h"

namespace addrmig::planner {
namespace {

bool is_configured_column(const ParentContext& ctx, const Table& existing, const std::string& name) {
  if (existing.same_name(name, "id") || existing.same_name(name, ctx.fk_column())) return true;
  const auto& specs = ctx.config.related.columns;
  return std::any_of(specs.begin(), specs.end(),
                     [&](const ColumnSpec& spec) { return existing.same_name(spec.name, name); });
}

// Indexes addrmig neither wants nor minds: not the FK index, not the
// primary key's, and not automatic ones (SQLite: no SQL, they belong to a
// PRIMARY KEY or UNIQUE constraint).
bool is_extra_index(const ParentContext& ctx, const Table& existing, const Index& index) {
  if (&index == existing.index_leading(ctx.fk_column())) return false;
  if (index.unique && existing.same_names(index.columns, existing.primary_key)) return false;
  if (ctx.caps.automatic_indexes && index.sql.empty()) return false;
  return true;
}

}  // namespace

void report_extras(const ParentContext& ctx, const Table& existing, std::vector<Finding>& findings) {
  const auto info = [&](FindingKind kind, std::string column, std::string expected, std::string found,
                        std::string message) {
    findings.push_back(make_finding(kind, Severity::Info, ctx.address, std::move(column),
                                    std::move(expected), std::move(found), std::move(message)));
  };
  for (const Column& column : existing.columns)
    if (!is_configured_column(ctx, existing, column.name))
      info(FindingKind::ExtraColumn, column.name, "", column.type.display(),
           column_text(ctx.address, column.name) + " is not in the config; reported only, never dropped");
  for (const Index& index : existing.indexes) {
    const std::string columns = join(index.columns, ", ");
    const std::string what = "index " + index.name + " on " + ctx.address.display() + " (" + columns + ")";
    if (!index.valid)
      info(FindingKind::IndexInvalid, columns, "valid", "invalid",
           what + " is invalid (a failed CREATE INDEX CONCURRENTLY): no query uses it; reported "
                  "only, never dropped: drop it or REINDEX it");
    else if (is_extra_index(ctx, existing, index))
      info(FindingKind::ExtraIndex, columns, "", index.name,
           what + " is not in the config; reported only, never dropped");
  }
}

}  // namespace addrmig::planner
