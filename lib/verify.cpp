#include "lib/verify.h"

#include <algorithm>

#include "lib/bound_query.h"
#include "lib/identifier.h"
#include "lib/interrupt.h"
#include "lib/seed.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

std::string quoted(const TableRef& ref) { return quote_qualified(ref.schema, ref.name); }

std::string as_text(const std::string& column) { return "CAST(" + quote_ident(column) + " AS TEXT)"; }

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

std::string select_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + as_text(c);
  return out;
}

RowView to_view(const std::string& table, const std::vector<std::string>& columns, const TextRow& row) {
  RowView view{table, {}};
  for (std::size_t i = 0; i < columns.size(); ++i) view.cells.emplace_back(columns[i], row.at(i).value_or("NULL"));
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
  BoundQuery query(conn.session(), "SELECT count(*) FROM " + quoted(target.address) + " WHERE ");
  query << quote_ident(target.foreign_key) + " = " + query.placeholder(Value{key});
  if (!address.empty()) query << " AND " + match_clause(query, address);
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
  const std::string fk = view.address.cells.back().second;  // FK is the last shown column
  const std::vector<std::string> shown = parent_columns(target);
  BoundQuery query(conn.session(), "SELECT " + select_list(shown) + " FROM " + quoted(target.parent) +
                                       " WHERE " + quote_ident(target.key) + " = ");
  query << query.placeholder(Value{fk});
  for (const TextRow& row : query.rows("verify: following " + target.address.display() + " to its parent"))
    view.parents.push_back(to_view(target.parent.name, shown, row));
  const std::string who = view.address.display();
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
  BoundQuery same(conn.session(), "SELECT count(*) FROM " + quoted(target.parent) + " WHERE " +
                                      quote_ident(target.key) + " = ");
  // Two statements: the operands of one `+` may be evaluated in either
  // order, and placeholders must be handed out in text order.
  same << same.placeholder(Value{fk});
  same << " AND " + match_clause(same, target.seed->values);
  if (same.rows("verify: comparing the parent of " + who).at(0).at(0).value_or("0") != "1")
    entry.mismatches.push_back(who + ": reaches " + parent.display() + " whose values differ from " +
                               describe_row(target.seed->values));
}

VerifyEntry verify_seed(Connection& conn, const Config& config, const SeedTarget& target) {
  VerifyEntry entry;
  entry.parent = target.seed->parent;
  entry.line = target.seed->line;
  const std::vector<std::string> pcols = parent_columns(target);
  BoundQuery parents(conn.session(), "SELECT " + select_list(pcols) + " FROM " + quoted(target.parent) + " WHERE ");
  parents << match_clause(parents, target.seed->values) + " ORDER BY " + quote_ident(target.key);
  for (const TextRow& row : parents.rows("verify: reading " + target.parent.display()))
    entry.parent_rows.push_back(to_view(target.parent.name, pcols, row));
  if (entry.parent_rows.size() != 1) {
    entry.mismatches.push_back("expected exactly one " + target.parent.display() + " row with " +
                               describe_row(target.seed->values) + ", found " +
                               std::to_string(entry.parent_rows.size()));
    return entry;
  }
  const std::string key = entry.parent_rows.front().cells.front().second;
  const std::vector<std::string> acols = address_columns(config, target);
  BoundQuery addresses(conn.session(), "SELECT " + select_list(acols) + " FROM " + quoted(target.address) +
                                           " WHERE " + quote_ident(target.foreign_key) + " = ");
  addresses << addresses.placeholder(Value{key}) + " ORDER BY " + quote_ident(target.address_id);
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
    out += (i ? ", " : "") + cells[i].first + "=" + (i == 0 ? cells[i].second : quote_literal(cells[i].second));
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
  for (const SeedTarget& target : resolve_seed_targets(conn, config)) {
    throw_if_interrupted();
    report.entries.push_back(verify_seed(conn, config, target));
  }
  return report;
}

}  // namespace addrmig
