#include "lib/verify.h"

#include <algorithm>

#include "lib/bound_query.h"
#include "lib/identifier.h"
#include "lib/seed.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

std::string quoted(const TableRef& ref) { return quote_qualified(ref.schema, ref.name); }

// Verify's reads name each table by its own name (FROM "s"."t" AS "t") and
// every column through it ("t"."c"): an unqualified ORDER BY "id" binds to
// the CAST(... AS TEXT) output column of the same name on PostgreSQL and
// sorts 1, 10, 11, 2; SQLite reads a double-quoted name that is no column as
// a string literal (a column dropped by hand would show its own name as the
// value); and an error names the column as "t.c".
std::string from(const TableRef& table) { return quoted(table) + " AS " + quote_ident(table.name); }
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

long long count_matching(Connection& conn, const SeedTarget& target, const std::string& key, const Row& address) {
  BoundQuery query(conn.session(), "SELECT count(*) FROM " + from(target.address) + " WHERE ");
  query << column_of(target.address, target.foreign_key) + " = " + query.placeholder(Value{key});
  if (!address.empty()) query << " AND " + match_clause(query, address, target.address.name);
  return std::stoll(query.rows("verify: counting " + target.address.display()).at(0).at(0).value_or("0"));
}

void check_parent_to_addresses(Connection& conn, const SeedTarget& target,
                               const std::string& key, VerifyEntry& entry) {
  const std::string who = target.seed->parent + " " + describe_row(target.seed->values);
  for (const Row& wanted : target.seed->addresses) {
    const long long copies = std::count(target.seed->addresses.begin(), target.seed->addresses.end(), wanted);
    const long long found = count_matching(conn, target, key, wanted);
    const std::string line = who + ": expected " + std::to_string(copies) + " address(es) " +
                             describe_row(wanted) + ", found " + std::to_string(found);
    if (found != copies && std::find(entry.mismatches.begin(), entry.mismatches.end(), line) == entry.mismatches.end())
      entry.mismatches.push_back(line);
  }
  const long long total = count_matching(conn, target, key, {});
  if (total != static_cast<long long>(target.seed->addresses.size()))
    entry.mismatches.push_back(who + ": has " + std::to_string(total) + " address rows, expected " +
                               std::to_string(target.seed->addresses.size()));
}

void check_address_to_parent(Connection& conn, const SeedTarget& target, const std::string& key,
                             AddressView& view, VerifyEntry& entry) {
  const std::string who = view.address.display();
  const std::optional<std::string> fk_value = view.address.cells.back().second;  // the FK is shown last
  if (!fk_value) {
    entry.mismatches.push_back(who + ": its " + target.foreign_key + " is NULL, it reaches no " +
                               target.parent.display() + " row");
    return;
  }
  const std::string& fk = *fk_value;
  const std::vector<std::string> shown = parent_columns(target);
  BoundQuery query(conn.session(), "SELECT " + select_list(target.parent, shown) + " FROM " + from(target.parent) +
                                       " WHERE " + column_of(target.parent, target.key) + " = ");
  query << query.placeholder(Value{fk});
  for (const TextRow& row : query.rows("verify: following " + target.address.display() + " to its parent"))
    view.parents.push_back(to_view(target.parent.name, shown, row));
  if (view.parents.size() != 1) {
    entry.mismatches.push_back(who + ": its " + target.foreign_key + " reaches " +
                               std::to_string(view.parents.size()) + " " + target.parent.display() + " rows");
    return;
  }
  const RowView& parent = view.parents.front();
  if (parent.cells.front().second != key) {
    entry.mismatches.push_back(who + ": reaches " + parent.display() + ", not the seeded parent");
    return;
  }
  BoundQuery same(conn.session(), "SELECT count(*) FROM " + from(target.parent) + " WHERE " +
                                      column_of(target.parent, target.key) + " = ");
  // Two statements: the operands of one `+` may be evaluated in either
  // order, and placeholders must be handed out in text order.
  same << same.placeholder(Value{fk});
  same << " AND " + match_clause(same, target.seed->values, target.parent.name);
  if (same.rows("verify: comparing the parent of " + who).at(0).at(0).value_or("0") != "1")
    entry.mismatches.push_back(who + ": reaches " + parent.display() + " whose values differ from " +
                               describe_row(target.seed->values));
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
  BoundQuery addresses(conn.session(), "SELECT " + select_list(target.address, acols) + " FROM " +
                                           from(target.address) + " WHERE " +
                                           column_of(target.address, target.foreign_key) + " = ");
  addresses << addresses.placeholder(Value{key}) + " ORDER BY " + column_of(target.address, target.address_id);
  for (const TextRow& row : addresses.rows("verify: reading " + target.address.display()))
    entry.addresses.push_back(AddressView{to_view(target.address.name, acols, row), {}});
  check_parent_to_addresses(conn, target, key, entry);
  for (AddressView& view : entry.addresses) check_address_to_parent(conn, target, key, view, entry);
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
  for (const SeedTarget& target : resolve_seed_targets(conn, config, "verify"))
    report.entries.push_back(verify_seed(conn, config, target));
  return report;
}

}  // namespace addrmig
