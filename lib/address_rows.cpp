#include "lib/address_rows.h"

#include <algorithm>

#include "lib/sql.h"
#include "lib/portable_value.h"

namespace addrmig {
namespace {

// Separates the cells of a key: canonical values are UTF-8 text from the
// config or the database, and TOML strings cannot hold this byte unescaped.
constexpr char kCellSeparator = '\x1f';
constexpr const char* kNull = "\x1e";  // a NULL cell, never equal to a configured value

std::size_t column_index(const RelatedSpec& related, const std::string& name) {
  for (std::size_t i = 0; i < related.columns.size(); ++i)
    if (related.columns[i].name == name) return i;
  return related.columns.size();  // the config reader allows no other column
}

// canonical values of `row`, indexed by related.columns (empty: not named).
// A column the row leaves out holds its configured default once inserted, so
// it is compared as that default: {street} and {street, zip = default} are
// the same address.
// Not so for a column of `null_when_absent` (the table has no default there).
std::vector<std::optional<std::string>> canonical_row(const RelatedSpec& related, const Row& row,
                                                      const std::vector<std::string>& null_when_absent = {}) {
  std::vector<std::optional<std::string>> out(related.columns.size());
  for (std::size_t i = 0; i < related.columns.size(); ++i)
    if (related.columns[i].default_value &&
        std::find(null_when_absent.begin(), null_when_absent.end(), related.columns[i].name) ==
            null_when_absent.end())
      out[i] = canonical_config_value(related.columns[i].type, *related.columns[i].default_value);
  for (const FieldValue& field : row) {
    const std::size_t i = column_index(related, field.column);
    if (i < out.size()) out[i] = canonical_config_value(related.columns[i].type, field.value);
  }
  return out;
}

// The [related] columns a configured row names, as '1'/'0' per column; 'N'
// for a column of `null_when_absent` the row leaves out (it must be NULL).
std::string shape_of(const RelatedSpec& related, const Row& row,
                     const std::vector<std::string>& null_when_absent = {}) {
  std::string shape(related.columns.size(), '0');
  for (std::size_t i = 0; i < related.columns.size(); ++i)
    if (related.columns[i].default_value) shape[i] = '1';
  for (const std::string& name : null_when_absent)
    if (const std::size_t i = column_index(related, name); i < shape.size()) shape[i] = 'N';
  for (const FieldValue& field : row)
    if (const std::size_t i = column_index(related, field.column); i < shape.size()) shape[i] = '1';
  return shape;
}

std::string key_under(const std::string& shape, const std::vector<std::optional<std::string>>& cells) {
  std::string key;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == '0') continue;  // 'N': the configured row's cell is nullopt, so only NULL matches
    key += cells[i] ? *cells[i] : std::string(kNull);
    key += kCellSeparator;
  }
  return key;
}

}  // namespace

std::vector<StoredAddress> read_addresses(Connection& conn, const Renderer& renderer, const Config& config,
                                          const SeedTarget& target, const std::string& parent_key,
                                          const std::vector<std::string>& shown_columns,
                                          const std::string& context) {
  // Columns through the table's name: SQLite reads a quoted name that is no
  // column (one dropped since) as a string, and an unqualified ORDER BY name
  // would bind to the CAST(... AS TEXT) output column on PostgreSQL (1, 10, 2).
  const std::string alias = quote_ident(target.address.name);
  const auto column = [&](const std::string& name) { return alias + "." + quote_ident(name); };
  std::string select;
  for (const std::string& name : shown_columns)
    select += (select.empty() ? "" : ", ") + std::string("CAST(") + column(name) + " AS TEXT)";
  for (const ColumnSpec& spec : config.related.columns)
    select += (select.empty() ? "" : ", ") + renderer.exact_text(column(spec.name));
  if (select.empty()) select = "1";
  BoundQuery query(conn.session(), "SELECT " + select + " FROM " +
                                       quote_qualified(target.address) + " AS " +
                                       alias + " WHERE " + column(target.foreign_key) + " = ");
  query << query.placeholder(Value{parent_key}) + " ORDER BY " + column(target.address_id);
  std::vector<StoredAddress> out;
  for (TextRow& row : query.rows(context)) {
    StoredAddress address;
    for (std::size_t i = 0; i < config.related.columns.size(); ++i) {
      const std::optional<std::string>& cell = row.at(shown_columns.size() + i);
      if (cell) address.canonical.emplace_back(canonical_stored_value(config.related.columns[i].type, *cell));
      else address.canonical.emplace_back(std::nullopt);
    }
    row.resize(shown_columns.size());
    address.shown = std::move(row);
    out.push_back(std::move(address));
  }
  return out;
}

AddressMatcher::AddressMatcher(const RelatedSpec& related, const std::vector<StoredAddress>& stored,
                               std::vector<std::string> null_when_absent)
    : related_(related), stored_(stored), null_when_absent_(std::move(null_when_absent)) {}

long long AddressMatcher::count(const Row& wanted) {
  const std::string shape = shape_of(related_, wanted, null_when_absent_);
  auto [it, fresh] = counts_.try_emplace(shape);
  if (fresh)
    for (const StoredAddress& address : stored_) ++it->second[key_under(shape, address.canonical)];
  const auto found = it->second.find(key_under(shape, canonical_row(related_, wanted, null_when_absent_)));
  return found == it->second.end() ? 0 : found->second;
}

std::string configured_row_key(const RelatedSpec& related, const Row& row) {
  const std::string shape = shape_of(related, row);
  return shape + kCellSeparator + key_under(shape, canonical_row(related, row));
}

}  // namespace addrmig
