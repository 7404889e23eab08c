#include "lib/planner/text.h"

#include <algorithm>

#include "lib/sql.h"

namespace addrmig::planner {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string column_text(const TableRef& table, std::string_view column) {
  return table.display() + "." + std::string(column);
}

std::string target_text(const TableRef& table, const std::vector<std::string>& columns) {
  return table.display() + "(" + (columns.empty() ? "primary key" : join(columns, ", ")) + ")";
}

std::string sample_ids(const std::string& id_column, const std::vector<std::string>& samples) {
  if (samples.empty()) return "";
  return " (" + id_column + (samples.size() == 1 ? " " : "s ") + join(samples, ", ") + ")";
}

std::string count_of(std::int64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string nullability_text(bool nullable) { return nullable ? "NULL" : "NOT NULL"; }

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool same_table_name(const Capabilities& caps, std::string_view a, std::string_view b) {
  return caps.fold_case_names ? ascii_lower(a) == ascii_lower(b) : a == b;
}

const Catalog::NamedRelation* name_holder(const Catalog& catalog, const TableRef& ref,
                                          const Capabilities& caps) {
  for (const Catalog::NamedRelation& relation : catalog.other_relations)
    if (relation.ref.schema == ref.schema && same_table_name(caps, relation.ref.name, ref.name))
      return &relation;
  return nullptr;
}

bool name_in_use(const Catalog& catalog, const std::string& schema, const std::string& name,
                 const Capabilities& caps) {
  if (name_holder(catalog, TableRef{schema, name}, caps)) return true;
  return std::any_of(catalog.all_tables.begin(), catalog.all_tables.end(), [&](const TableRef& table) {
    return table.schema == schema && same_table_name(caps, table.name, name);
  });
}

std::string free_name(const std::string& planned, const std::string& base, std::size_t max_bytes,
                      const std::function<bool(const std::string&)>& taken) {
  if (!taken(planned)) return planned;
  for (int n = 2;; ++n) {
    std::string name = shorten_ident(base + "_" + std::to_string(n), max_bytes);
    if (!taken(name)) return name;
  }
}

Finding make_finding(FindingKind kind, Severity severity, TableRef table, std::string column,
                     std::string expected, std::string found, std::string message) {
  Finding finding;
  finding.kind = kind;
  finding.severity = severity;
  finding.table = std::move(table);
  finding.column = std::move(column);
  finding.expected = std::move(expected);
  finding.found = std::move(found);
  finding.message = std::move(message);
  return finding;
}

std::string declared(const ColumnType& type) {
  return type.display().empty() ? "without a type" : type.display();
}

}  // namespace addrmig::planner
