#pragma once
// Wording and name rules shared by the planner's rooms (messages, not SQL).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/capabilities.h"
#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig::planner {

std::string join(const std::vector<std::string>& items, std::string_view separator);

// "customer_address.street", for messages (not SQL).
std::string column_text(const TableRef& table, std::string_view column);

// "customer(id)"; SQLite may leave the referenced columns implicit.
std::string target_text(const TableRef& table, const std::vector<std::string>& columns);

// " (ids 3, 7)" naming sampled rows in a message; "" without samples.
std::string sample_ids(const std::string& id_column, const std::vector<std::string>& samples);

// "1 row", "3 rows".
std::string count_of(std::int64_t count, const std::string& noun);

std::string nullability_text(bool nullable);

std::string ascii_lower(std::string_view text);

// Whether two table names name the same table under the dialect's rules.
bool same_table_name(const Capabilities& caps, std::string_view a, std::string_view b);

// What holds `ref`'s name if it is not a table (a view, sequence, index...).
const Catalog::NamedRelation* name_holder(const Catalog& catalog, const TableRef& ref,
                                          const Capabilities& caps);

// Whether a new table or index may not take `name` in `schema`: any
// relation, table or (PostgreSQL) type already holds it.
bool name_in_use(const Catalog& catalog, const std::string& schema, const std::string& name,
                 const Capabilities& caps);

// `planned`, or the first of base_2, base_3, ... that `taken` leaves free
// (each shortened to `max_bytes`).
// How a column's declared type reads in a message ("without a type" when none).
std::string declared(const ColumnType& type);

std::string free_name(const std::string& planned, const std::string& base, std::size_t max_bytes,
                      const std::function<bool(const std::string&)>& taken);

Finding make_finding(FindingKind kind, Severity severity, TableRef table, std::string column,
                     std::string expected, std::string found, std::string message);

}  // namespace addrmig::planner
