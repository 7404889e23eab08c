#include "lib/verify.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "lib/address_rows.h"
#include "lib/bound_query.h"
#include "lib/dialect.h"
#include "lib/interrupt.h"
#include "lib/sql.h"
#include "lib/seed.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

// Verify's reads name each table by its own name (FROM "s"."t" AS "t") and
// every column through it ("t"."c"): an unqualified ORDER BY "id" binds to
// the CAST(... AS TEXT) output column of the same name on PostgreSQL and
// sorts 1, 10, 11, 2; SQLite reads a double-quoted name that is no column as
// a string literal (a column dropped by hand would show its own name as the
// value); and an error names the column as "t.c".
std::string from(const TableRef& table) { return quote_qualified(table) + " AS " + quote_ident(table.name); }
std::string column_of(const TableRef& table, const std::string& column) {
  return quote_ident(table.name) + "." + quote_ident(column);
}
std::string as_text(const TableRef& table, const std::string& column) {
  return "CAST(" + column_of(table, column) + " AS TEXT)";
}

std::string describe_row(const Row& row) {
  std::string out;
  for (const FieldValue& field : row)
    out += (out.empty() ? "" : ", ") + field.column + "=" + value_display(field.value);
  return out;
}

// Columns shown for a table: the key first, then the configured ones.
std::vector<std::string> shown_columns(const std::string& key, const std::vector<std::string>& columns) {
  std::vector<std::string> out{key};
  for (const auto& c : columns)
    if (c != key) out.push_back(c);
  return out;
}

std::string select_list(const TableRef& table, const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + as_text(table, c);
  return out;
}

RowView to_view(const std::string& table, const std::vector<std::string>& columns, const TextRow& row) {
  RowView view{table, {}};
  for (std::size_t i = 0; i < columns.size(); ++i) view.cells.emplace_back(columns[i], row.at(i));
  return view;
}

std::vector<std::string> parent_columns(const SeedTarget& target) {
  std::vector<std::string> names;
  for (const FieldValue& field : target.seed->values) names.push_back(field.column);
  return shown_columns(target.key, names);
}

std::vector<std::string> address_columns(const Config& config, const SeedTarget& target) {
  std::vector<std::string> names;
  for (const ColumnSpec& column : config.related.columns) names.push_back(column.name);
  names.push_back(target.foreign_key);
  return shown_columns(target.address_id, names);
}

// parent -> addresses: each configured row as often as configured, and no
// other rows; counted in memory over the rows read once.
void check_parent_to_addresses(const Config& config, const SeedTarget& target,
                               const std::vector<StoredAddress>& stored, VerifyEntry& entry) {
  const std::string who = target.seed->parent + " " + describe_row(target.seed->values);
  AddressMatcher matcher(config.related, stored, target.null_when_absent);
  std::unordered_map<std::string, long long> copies;
  for (const Row& wanted : target.seed->addresses) ++copies[configured_row_key(config.related, wanted)];
  std::unordered_set<std::string> reported;
  for (const Row& wanted : target.seed->addresses) {
    const std::string key = configured_row_key(config.related, wanted);
    if (!reported.insert(key).second) continue;
    const long long found = matcher.count(wanted);
    if (found != copies[key])
      entry.mismatches.push_back(who + ": expected " + std::to_string(copies[key]) + " address(es) " +
                                 describe_row(wanted) + ", found " + std::to_string(found));
  }
  if (stored.size() != target.seed->addresses.size())
    entry.mismatches.push_back(who + ": has " + std::to_string(stored.size()) + " address rows, expected " +
                               std::to_string(target.seed->addresses.size()));
}

VerifyEntry verify_seed(Connection& conn, const Config& config, const SeedTarget& target) {
  VerifyEntry entry;
  entry.parent = target.seed->parent;
  entry.line = target.seed->line;
  const std::vector<std::string> pcols = parent_columns(target);
  BoundQuery parents(conn.session(), "SELECT " + select_list(target.parent, pcols) + " FROM " +
                                         from(target.parent) + " WHERE ");
  parents << match_clause(parents, target.seed->values, target.parent.name) + " ORDER BY " +
                 column_of(target.parent, target.key);
  for (const TextRow& row : parents.rows("verify: reading " + target.parent.display()))
    entry.parent_rows.push_back(to_view(target.parent.name, pcols, row));
  if (entry.parent_rows.size() != 1) {
    entry.mismatches.push_back("expected exactly one " + target.parent.display() + " row with " +
                               describe_row(target.seed->values) + ", found " +
                               std::to_string(entry.parent_rows.size()));
    return entry;
  }
  const std::string key = entry.parent_rows.front().cells.front().second.value_or("");
  const std::vector<std::string> acols = address_columns(config, target);
  // Every address row is read by its FK = the parent's key, so following its
  // FK reaches that parent row, whose values matched above.
  const std::vector<StoredAddress> stored =
      read_addresses(conn, dialect_of(conn.dialect()).renderer(), config, target, key, acols,
                     "verify: reading " + target.address.display());
  for (const StoredAddress& address : stored)
    entry.addresses.push_back(
        AddressView{to_view(target.address.name, acols, address.shown), {entry.parent_rows.front()}});
  check_parent_to_addresses(config, target, stored, entry);
  return entry;
}

}  // namespace

std::string RowView::display() const {
  std::string out = table + "(";
  for (std::size_t i = 0; i < cells.size(); ++i)
    out += (i ? ", " : "") + cells[i].first + "=" +
           (!cells[i].second ? std::string("NULL") : i == 0 ? *cells[i].second : quote_literal(*cells[i].second));
  return out + ")";
}

std::size_t VerifyReport::mismatch_count() const {
  std::size_t n = 0;
  for (const VerifyEntry& entry : entries) n += entry.mismatches.size();
  return n;
}

VerifyReport verify_database(Connection& conn, const Config& config) {
  ReadTransaction snapshot(conn);
  VerifyReport report;
  for (const SeedTarget& target : resolve_seed_targets(conn, config, "verify")) {
    throw_if_interrupted();
    report.entries.push_back(verify_seed(conn, config, target));
  }
  return report;
}

}  // namespace addrmig
