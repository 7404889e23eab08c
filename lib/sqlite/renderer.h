#pragma once
// SqliteRenderer: turns plan Steps into sqlite SQL. Every identifier goes through
// quote_ident() (lib/sql.h); values never appear in DDL except defaults via quote_literal().
//
// SQLite's ALTER TABLE can only add columns, so AddForeignKey, DropForeignKey,
// ValidateForeignKey and SetNotNull throw: the planner emits a RebuildTable
// instead, rendered by the documented procedure
// (https://www.sqlite.org/lang_altertable.html#otheralter, steps 4 to 10).
//
// A table renders from the model: columns, primary key (a single INTEGER key
// inline, so it stays the rowid alias), foreign keys, AUTOINCREMENT, WITHOUT
// ROWID, and the UNIQUE constraints behind automatic indexes (Index entries
// that are unique, have no sql and are not the primary key).

#include "lib/dialect.h"

namespace addrmig {

class SqliteRenderer : public Renderer {
 public:
  std::vector<Statement> render(const Step& step) const override;
  std::string render_type(const ColumnType& type) const override;
  std::string exact_text(const std::string& column_sql) const override;

  // CREATE TABLE for `table` under `name` (a rebuild creates it under a
  // temporary name first).
  std::string create_table(const Table& table, const std::string& name) const;

 private:
  std::vector<Statement> render_rebuild(const RebuildTable& rebuild, const Step& step) const;
};

}  // namespace addrmig
