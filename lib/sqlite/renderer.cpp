#include "lib/sqlite/renderer.h"

#include <algorithm>
#include <type_traits>

#include "lib/errors.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}


// A single-column primary key typed exactly INTEGER on a rowid table is the
// rowid alias (https://www.sqlite.org/lang_createtable.html#rowid); it is
// rendered inline so that it stays one.
bool is_rowid_alias(const Table& table, const Column& column, const std::string& rendered_type) {
  return !table.without_rowid && table.primary_key.size() == 1 &&
         table.primary_key.front() == column.name && ascii_upper(rendered_type) == "INTEGER";
}

// The automatic index of a UNIQUE constraint: unique, no CREATE INDEX text,
// and not the primary key's own index.
bool is_unique_constraint(const Table& table, const Index& index) {
  return index.unique && index.sql.empty() && !index.partial &&
         index.columns != table.primary_key &&
         std::none_of(index.columns.begin(), index.columns.end(),
                      [](const std::string& column) { return column.empty(); });
}

std::string foreign_key_clause(const ForeignKey& fk) {
  std::string out;
  if (!fk.name.empty()) out += "CONSTRAINT " + quote_ident(fk.name) + " ";
  out += "FOREIGN KEY (" + quote_list(fk.columns) + ") REFERENCES " + quote_ident(fk.ref_table);
  // No target columns: the parent's primary key, as SQLite reports it back.
  if (!fk.ref_columns.empty()) out += " (" + quote_list(fk.ref_columns) + ")";
  if (fk.on_delete != OnDelete::NoAction)
    out += " ON DELETE " + std::string(on_delete_sql(fk.on_delete));
  return out;
}

std::string not_expressible(std::string_view what, const TableRef& table) {
  return "sqlite renderer: " + std::string(what) + " on " + table.display() +
         " cannot be done with ALTER TABLE on SQLite; it needs a table rebuild";
}

// A rebuild recreates every index and trigger the old table had (DROP TABLE
// removes them) plus any further one `to` adds, each once, by name.
std::vector<const SchemaObject*> triggers_to_recreate(const RebuildTable& rebuild) {
  std::vector<const SchemaObject*> out;
  for (const auto* list : {&rebuild.from.triggers, &rebuild.to.triggers})
    for (const SchemaObject& trigger : *list)
      if (std::none_of(out.begin(), out.end(),
                       [&](const SchemaObject* seen) { return seen->name == trigger.name; }))
        out.push_back(&trigger);
  return out;
}

std::vector<const Index*> indexes_to_recreate(const RebuildTable& rebuild) {
  std::vector<const Index*> out;
  // Automatic indexes (no sql) come back with the constraints of CREATE TABLE.
  for (const auto* list : {&rebuild.to.indexes, &rebuild.from.indexes})
    for (const Index& index : *list)
      if (!index.sql.empty() && std::none_of(out.begin(), out.end(), [&](const Index* seen) {
            return seen->name == index.name;
          }))
        out.push_back(&index);
  return out;
}

// AUTOINCREMENT never reuses an id, even of deleted rows: its counter lives
// in sqlite_sequence and DROP TABLE deletes it, while the copy only counts up
// to the largest id still present. Move the old counter to the new table
// before the old one is dropped (RENAME then carries it along). Names are
// values here, so literals; SQLite matches table names case-insensitively.
std::vector<std::string> carry_autoincrement_counter(const std::string& old_name,
                                                     const std::string& temp_name) {
  return {"DELETE FROM sqlite_sequence WHERE name = " + quote_literal(temp_name),
          "INSERT INTO sqlite_sequence (name, seq)\nSELECT " + quote_literal(temp_name) +
              ", seq FROM sqlite_sequence WHERE name = " + quote_literal(old_name) +
              " COLLATE NOCASE"};
}

}  // namespace

std::string SqliteRenderer::render_type(const ColumnType& type) const {
  if (!type.native.empty()) return type.native;
  if (type.portable.empty()) return {};  // SQLite allows a column without a type
  const std::optional<std::string> portable = canonical_portable_type(type.portable);
  if (!portable) throw Error("sqlite renderer: unknown column type '" + type.portable + "'");
  // The portable names are SQLite spellings already; upper case is the
  // conventional DDL style ("varchar(20)" -> "VARCHAR(20)").
  return ascii_upper(*portable);
}

std::string SqliteRenderer::create_table(const Table& table, const std::string& name) const {
  std::vector<std::string> lines;
  bool pk_inline = false;
  for (const Column& column : table.columns) {
    const std::string type = render_type(column.type);
    std::string line = quote_ident(column.name);
    if (!type.empty()) line += " " + type;
    if (is_rowid_alias(table, column, type)) {
      pk_inline = true;
      line += " PRIMARY KEY";
      if (table.autoincrement) line += " AUTOINCREMENT";
    } else if (!column.nullable) {
      line += " NOT NULL";
    }
    // SQLite reports defaults without their parentheses; DEFAULT (expr)
    // accepts every form (literal, CURRENT_TIMESTAMP, expression).
    if (!column.default_sql.empty()) line += " DEFAULT (" + column.default_sql + ")";
    lines.push_back(std::move(line));
  }
  if (!table.primary_key.empty() && !pk_inline)
    lines.push_back("PRIMARY KEY (" + quote_list(table.primary_key) + ")");
  for (const Index& index : table.indexes)
    if (is_unique_constraint(table, index))
      lines.push_back("UNIQUE (" + quote_list(index.columns) + ")");
  for (const ForeignKey& fk : table.foreign_keys) lines.push_back(foreign_key_clause(fk));

  std::string sql = "CREATE TABLE " + quote_ident(name) + " (\n";
  for (std::size_t i = 0; i < lines.size(); ++i)
    sql += "  " + lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  sql += ")";
  if (table.without_rowid) sql += " WITHOUT ROWID";
  return sql;
}

std::vector<Statement> SqliteRenderer::render(const Step& step) const {
  return std::visit(
      [&](const auto& change) -> std::vector<Statement> {
        using T = std::decay_t<decltype(change)>;
        if constexpr (std::is_same_v<T, CreateTable>) {
          const Table& table = change.table;
          return {{create_table(table, table.ref.name),
                   statement_comment(step, "create table " + table.ref.display())}};
        } else if constexpr (std::is_same_v<T, AddColumn>) {
          const Column& column = change.column;
          std::string sql = "ALTER TABLE " + quote_ident(change.table.name) + " ADD COLUMN " +
                            quote_ident(column.name);
          if (const std::string type = render_type(column.type); !type.empty()) sql += " " + type;
          if (!column.nullable) sql += " NOT NULL";
          if (!column.default_sql.empty()) sql += " DEFAULT (" + column.default_sql + ")";
          return {{std::move(sql), statement_comment(step, "add column " + change.table.display() +
                                                                   "." + column.name)}};
        } else if constexpr (std::is_same_v<T, CreateIndex>) {
          const Index& index = change.index;
          // An index read from the catalog keeps its exact text (partial,
          // expressions, collations); a planned one is built from its columns.
          std::string sql = !index.sql.empty()
                                ? index.sql
                                : std::string("CREATE ") + (index.unique ? "UNIQUE " : "") +
                                      "INDEX " + quote_ident(index.name) + " ON " +
                                      quote_ident(change.table.name) + " (" +
                                      quote_list(index.columns) + ")";
          return {{std::move(sql), statement_comment(step, "create index " + index.name + " on " +
                                                                   change.table.display())}};
        } else if constexpr (std::is_same_v<T, RebuildTable>) {
          return render_rebuild(change, step);
        } else if constexpr (std::is_same_v<T, AddForeignKey>) {
          throw Error(not_expressible("adding a foreign key", change.table));
        } else if constexpr (std::is_same_v<T, DropForeignKey>) {
          throw Error(not_expressible("dropping a foreign key", change.table));
        } else if constexpr (std::is_same_v<T, ValidateForeignKey>) {
          throw Error(not_expressible("validating a foreign key", change.table));
        } else {
          static_assert(std::is_same_v<T, SetNotNull>, "every Change is rendered");
          throw Error(not_expressible("SET NOT NULL of column " + change.column, change.table));
        }
      },
      step.change);
}

// https://www.sqlite.org/lang_altertable.html#otheralter, steps 4 to 10. The
// executor runs them in one transaction with PRAGMA foreign_keys=OFF before
// BEGIN (the pragma is a no-op inside a transaction) and PRAGMA
// foreign_key_check before COMMIT. The new table is created under a temporary
// name and renamed onto the old one; the old table is never renamed aside,
// because renaming it would rewrite the REFERENCES of other tables to follow it.
std::vector<Statement> SqliteRenderer::render_rebuild(const RebuildTable& rebuild,
                                                      const Step& step) const {
  if (rebuild.copy_columns.empty())
    throw Error("sqlite renderer: rebuild of " + rebuild.from.ref.display() + " copies no columns");
  const std::string& old_name = rebuild.from.ref.name;
  const std::string& new_name = rebuild.to.ref.name;
  const std::string temp_name = rebuild_table_name(new_name);
  const std::string columns = quote_list(rebuild.copy_columns);
  const std::string fallback = "rebuild table " + rebuild.from.ref.display();
  std::vector<Statement> out;
  auto statement = [&](std::string sql, const std::string& detail) {
    return Statement{std::move(sql), statement_comment(step, fallback, detail)};
  };
  out.push_back(statement(create_table(rebuild.to, temp_name), "create the new table " + temp_name));
  out.push_back(statement("INSERT INTO " + quote_ident(temp_name) + " (" + columns + ")\nSELECT " +
                              columns + " FROM " + quote_ident(old_name),
                          "copy every row into the rebuilt table"));
  if (rebuild.from.autoincrement && rebuild.to.autoincrement)
    for (std::string& sql : carry_autoincrement_counter(old_name, temp_name))
      out.push_back(
          statement(std::move(sql), "keep the AUTOINCREMENT counter, so no id is reused"));
  // Views naming the table would make the schema invalid between the DROP and
  // the RENAME, which SQLite refuses; drop them, dependents first.
  for (auto view = rebuild.dependent_views.rbegin(); view != rebuild.dependent_views.rend(); ++view)
    out.push_back(statement("DROP VIEW " + quote_ident(view->name),
                            "drop dependent view " + view->name + " (recreated below)"));
  out.push_back(statement("DROP TABLE " + quote_ident(old_name),
                          "drop the old table with its indexes and triggers"));
  // Since 3.26 RENAME re-parses every trigger and view and fails on one that
  // names the table just dropped (a trigger on another table, a view on a
  // dependent view). Nothing refers to the temporary name, so the legacy
  // rename, which rewrites no references, is exactly what this step needs.
  out.push_back(
      statement("PRAGMA legacy_alter_table = ON",
                "rename without re-checking triggers and views that name the table"));
  out.push_back(
      statement("ALTER TABLE " + quote_ident(temp_name) + " RENAME TO " + quote_ident(new_name),
                "give the rebuilt table its name"));
  out.push_back(
      statement("PRAGMA legacy_alter_table = OFF", "back to the default rename behaviour"));
  for (const Index* index : indexes_to_recreate(rebuild))
    out.push_back(statement(index->sql, "recreate index " + index->name));
  for (const SchemaObject* trigger : triggers_to_recreate(rebuild))
    out.push_back(statement(trigger->sql, "recreate trigger " + trigger->name));
  for (const SchemaObject& view : rebuild.dependent_views)
    out.push_back(statement(view.sql, "recreate view " + view.name));
  for (const SchemaObject& trigger : rebuild.dependent_view_triggers)
    out.push_back(statement(trigger.sql, "recreate trigger " + trigger.name + " on view " + trigger.table));
  return out;
}

std::string SqliteRenderer::exact_text(const std::string& column_sql) const {
  // Reals print with 15 significant digits, which is how seed and verify
  // compare them (lib/portable_value.cpp).
  return "CAST(" + column_sql + " AS TEXT)";
}

}  // namespace addrmig
