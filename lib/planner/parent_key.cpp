#include "lib/planner/parent_key.h"

#include <algorithm>

#include "lib/planner/text.h"

namespace addrmig::planner {
namespace {

bool has_unique_index_on(const Table& table, const std::string& column) {
  return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const Index& index) {
    return index.unique && index.valid && !index.partial && index.unusable_as_key.empty() &&
           table.same_names(index.columns, {column});
  });
}

const Index* partial_unique_index_on(const Table& table, const std::string& column) {
  for (const Index& index : table.indexes)
    if (index.unique && index.valid && index.partial && table.same_names(index.columns, {column}))
      return &index;
  return nullptr;
}

// A unique index on exactly `column` that the dialect refuses as an FK target.
const Index* refused_unique_index_on(const Table& table, const std::string& column) {
  for (const Index& index : table.indexes)
    if (index.unique && index.valid && !index.partial && !index.unusable_as_key.empty() &&
        table.same_names(index.columns, {column}))
      return &index;
  return nullptr;
}

void blocker(std::vector<Finding>& findings, const TableRef& ref, std::string column,
             std::string expected, std::string found, std::string message) {
  findings.push_back(make_finding(FindingKind::ParentKeyUnusable, Severity::Blocker, ref,
                                  std::move(column), std::move(expected), std::move(found),
                                  std::move(message)));
}

std::optional<ParentKey> configured_key(const Table& parent, const std::string& key,
                                        const TableRef& ref, std::vector<Finding>& findings) {
  const Column* column = parent.column(key);
  if (!column) {
    blocker(findings, ref, key, "column " + key, "missing",
            "parent key " + column_text(ref, key) + " not found; key must name a column of " +
                ref.display());
    return std::nullopt;
  }
  const bool is_primary_key = parent.same_names(parent.primary_key, {key});
  const Index* refused = is_primary_key ? nullptr : refused_unique_index_on(parent, key);
  if (!is_primary_key && !has_unique_index_on(parent, key) && refused) {
    blocker(findings, ref, key, "a unique key a foreign key can use", "index " + refused->name,
            "parent key " + column_text(ref, key) + " is unique only through index " +
                refused->name + ", but " + refused->unusable_as_key +
                ": add a plain unique index or constraint on " + key + ", or choose another key");
    return std::nullopt;
  }
  if (const Index* partial = is_primary_key ? nullptr : partial_unique_index_on(parent, key);
      partial && !has_unique_index_on(parent, key)) {
    blocker(findings, ref, key, "a unique key a foreign key can use", "partial index " + partial->name,
            "parent key " + column_text(ref, key) + " is unique only through the partial index " +
                partial->name + " (unique only WHERE its condition holds), and a foreign key needs a "
                "unique constraint or index over every row: add a plain unique index on " + key +
                ", or choose another key");
    return std::nullopt;
  }
  if (!is_primary_key && !has_unique_index_on(parent, key)) {
    blocker(findings, ref, key, "unique", "not unique",
            "parent key " + column_text(ref, key) +
                " is neither the primary key nor the only column of a unique index; a foreign "
                "key needs a unique target: add a unique index or choose another key");
    return std::nullopt;
  }
  // The catalog's spelling: SQLite matched `code` to a column `CODE`.
  return ParentKey{column->name, column->type, is_primary_key, false};
}

}  // namespace

std::optional<ParentKey> existing_parent_key(const ParentSpec& spec, const Table& parent,
                                             const TableRef& ref, std::vector<Finding>& findings) {
  if (spec.key) return configured_key(parent, *spec.key, ref, findings);
  const Column* column =
      parent.primary_key.size() == 1 ? parent.column(parent.primary_key.front()) : nullptr;
  if (!column) {
    const std::string found =
        parent.primary_key.empty() ? "none" : "(" + join(parent.primary_key, ", ") + ")";
    blocker(findings, ref, "", "single-column primary key", found,
            "parent table " + ref.display() + " has no single-column primary key (found: " +
                found + "); set key = \"<column>\" in its [[parents]] entry to a unique column");
    return std::nullopt;
  }
  return ParentKey{column->name, column->type, true, false};
}

}  // namespace addrmig::planner
