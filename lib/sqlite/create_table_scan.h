#pragma once
// What addrmig reads off SQLite's CREATE TABLE text (sqlite_schema.sql) that
// the pragmas do not report. Pure: text in, facts out (unit-tested in
// tests/unit/create_table_scan_test.cpp).

#include <string>
#include <string_view>
#include <vector>

namespace addrmig::sqlite {

// The tokens of a CREATE TABLE statement that matter for keyword checks:
// bare words upper-cased, punctuation as itself, and string literals, quoted
// identifiers and comments collapsed into a single placeholder each (the
// opening quote character), so that a name or default value can never look
// like a keyword.
std::vector<std::string> sql_tokens(std::string_view sql);

struct CreateTableFacts {
  bool without_rowid = false;
  bool autoincrement = false;
  // Why rebuilding the table from the model would lose schema; empty: it would not.
  std::string rebuild_unsafe;
};

// `has_generated_column`: the pragmas reported a generated column.
CreateTableFacts scan_create_table(std::string_view sql, bool has_generated_column);

// Whether a CREATE INDEX names a COLLATE of its own (outside names and
// strings). SQLite refuses a foreign key to a unique index whose collation
// differs from the column's; one without COLLATE uses the column's own.
bool index_names_collation(std::string_view create_index_sql);

}  // namespace addrmig::sqlite
