#include "lib/postgres/renderer.h"

#include <variant>

#include "lib/errors.h"
#include "lib/postgres/dialect.h"
#include "lib/postgres/types.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

std::string table_name(const TableRef& ref) { return postgres::qualified(ref); }

std::string column_list(const std::vector<std::string>& columns) {
  return "(" + quote_list(columns) + ")";
}

// "customer(id)", for comments.
std::string shown_target(const ForeignKey& fk) {
  const std::string target = TableRef{fk.ref_schema, fk.ref_table}.display();
  if (fk.ref_columns.empty()) return target;  // its primary key
  std::string columns;
  for (const std::string& column : fk.ref_columns) columns += (columns.empty() ? "" : ", ") + column;
  return target + "(" + columns + ")";
}

// Only integer types can be identity columns (GENERATED ... AS IDENTITY).
bool identity_capable(const std::string& rendered_type) {
  return rendered_type == "integer" || rendered_type == "bigint" || rendered_type == "smallint";
}

std::string foreign_key_clause(const ForeignKey& fk) {
  std::string out;
  if (!fk.name.empty()) out += "CONSTRAINT " + quote_ident(fk.name) + " ";
  out += "FOREIGN KEY " + column_list(fk.columns) + " REFERENCES " +
         table_name(TableRef{fk.ref_schema, fk.ref_table});
  // No column list references the parent's primary key.
  if (!fk.ref_columns.empty()) out += " " + column_list(fk.ref_columns);
  if (fk.match_full) out += " MATCH FULL";
  out += " ON DELETE " + std::string(on_delete_sql(fk.on_delete));
  if (fk.on_update != OnDelete::NoAction) out += " ON UPDATE " + std::string(on_delete_sql(fk.on_update));
  if (fk.deferrable) out += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

class StepRenderer {
 public:
  StepRenderer(const PostgresRenderer& renderer, const Step& step)
      : renderer_(renderer), step_(step) {}

  std::vector<Statement> operator()(const CreateTable& change) const {
    const Table& table = change.table;
    std::vector<std::string> lines;
    for (const Column& column : table.columns) lines.push_back(column_definition(column));
    if (!table.primary_key.empty()) lines.push_back("PRIMARY KEY " + column_list(table.primary_key));
    // A new table is empty, so its foreign keys are valid at once: NOT VALID
    // only matters when adding a key to an existing table.
    for (const ForeignKey& fk : table.foreign_keys) lines.push_back(foreign_key_clause(fk));
    std::string sql = "CREATE TABLE " + table_name(table.ref) + " (";
    for (std::size_t i = 0; i < lines.size(); ++i) sql += (i ? ",\n  " : "\n  ") + lines[i];
    sql += "\n)";
    return {{sql, comment("create table " + table.ref.display())}};
  }

  std::vector<Statement> operator()(const AddColumn& change) const {
    const bool filled = !change.column.nullable && !change.column.default_sql.empty();
    return {{"ALTER TABLE " + table_name(change.table) + " ADD COLUMN " +
                 column_definition(change.column),
             comment("add column " + change.table.display() + "." + change.column.name,
                     filled ? "NOT NULL with a default, existing rows get the default" : "")}};
  }

  std::vector<Statement> operator()(const AddForeignKey& change) const {
    const ForeignKey& fk = change.fk;
    std::string sql = "ALTER TABLE " + table_name(change.table) + " ADD " + foreign_key_clause(fk);
    if (!fk.validated) sql += " NOT VALID";
    std::string columns;
    for (const std::string& column : fk.columns) columns += (columns.empty() ? "" : ", ") + column;
    return {{sql, comment("add foreign key " + change.table.display() + "(" + columns + ") -> " +
                              shown_target(fk),
                          fk.validated ? "" : "NOT VALID, existing rows are checked next without a long lock")}};
  }

  std::vector<Statement> operator()(const ValidateForeignKey& change) const {
    // After the migration commits, in its own transaction: ADD CONSTRAINT's
    // SHARE ROW EXCLUSIVE lock (which blocks writes) is released by then, and
    // the scan holds only SHARE UPDATE EXCLUSIVE, which writers do not wait for.
    return {{"ALTER TABLE " + table_name(change.table) + " VALIDATE CONSTRAINT " +
                 quote_ident(change.name),
             comment("validate foreign key " + change.name,
                     "checks existing rows, writes stay allowed"),
             /*after_commit=*/true}};
  }

  std::vector<Statement> operator()(const DropForeignKey& change) const {
    return {{"ALTER TABLE " + table_name(change.table) + " DROP CONSTRAINT " +
                 quote_ident(change.name),
             comment("drop foreign key " + change.name, "no data is touched")}};
  }

  std::vector<Statement> operator()(const CreateIndex& change) const {
    const Index& index = change.index;
    for (const std::string& column : index.columns)
      if (column.empty())
        throw Error("postgres renderer: cannot create expression index " + index.name);
    if (index.partial) throw Error("postgres renderer: cannot create partial index " + index.name);
    // Plain CREATE INDEX, not CONCURRENTLY: CONCURRENTLY cannot run inside a
    // transaction block, and apply runs the whole plan in one transaction so
    // that a failure leaves nothing half-done.
    std::string sql = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    if (!index.name.empty()) sql += quote_ident(index.name) + " ";
    sql += "ON " + table_name(change.table) + " " + column_list(index.columns);
    return {{sql, comment("create index " + index.name + " on " + change.table.display())}};
  }

  std::vector<Statement> operator()(const SetNotNull& change) const {
    return {{"ALTER TABLE " + table_name(change.table) + " ALTER COLUMN " +
                 quote_ident(change.column) + " SET NOT NULL",
             comment("set NOT NULL on " + change.table.display() + "." + change.column,
                     "a full scan under an exclusive lock checks for NULLs")}};
  }

  std::vector<Statement> operator()(const RebuildTable& change) const {
    throw Error("postgres renderer: cannot rebuild " + change.from.ref.display() +
                ": table rebuilds are SQLite-only; PostgreSQL alters constraints in place");
  }

 private:
  std::string comment(const std::string& fallback, const std::string& detail = {}) const {
    return statement_comment(step_, fallback, detail);
  }

  // "name" type [GENERATED BY DEFAULT AS IDENTITY] [NOT NULL] [DEFAULT ...]
  std::string column_definition(const Column& column) const {
    const std::string type = renderer_.render_type(column.type);
    std::string out = quote_ident(column.name) + " " + type;
    if (column.generated) {
      if (!identity_capable(type))
        throw Error("postgres renderer: column " + column.name + " of type " + type +
                    " cannot be generated; only integer columns can be identity columns");
      // An identity column is NOT NULL by definition and takes no DEFAULT.
      return out + " GENERATED BY DEFAULT AS IDENTITY";
    }
    if (!column.nullable) out += " NOT NULL";
    if (!column.default_sql.empty()) out += " DEFAULT " + column.default_sql;
    return out;
  }

  const PostgresRenderer& renderer_;
  const Step& step_;
};

// Every relation a step's DDL locks gets an entry in the server's shared lock
// table until COMMIT: a new table brings its primary key index, identity
// sequences and, with a variable-length column, a TOAST table and its index.
class LockedObjects {
 public:
  LockedObjects(const PostgresRenderer& renderer, std::set<std::string>& out) : renderer_(renderer), out_(out) {}

  void operator()(const CreateTable& change) const {
    const Table& table = change.table;
    const std::string name = table_name(table.ref);
    out_.insert(name);
    if (!table.primary_key.empty()) out_.insert(name + " primary key");
    bool toasted = false;
    for (const Column& column : table.columns) {
      if (column.generated) out_.insert(name + " sequence " + column.name);
      const std::string type = renderer_.render_type(column.type);
      toasted = toasted || type == "text" || type.rfind("varchar", 0) == 0 || type.rfind("character", 0) == 0 ||
                type.rfind("numeric", 0) == 0 || type == "jsonb" || type == "json" || type == "bytea";
    }
    if (toasted) {
      out_.insert(name + " toast");
      out_.insert(name + " toast index");
    }
    for (const ForeignKey& fk : table.foreign_keys) out_.insert(table_name(TableRef{fk.ref_schema, fk.ref_table}));
  }
  void operator()(const AddColumn& change) const { out_.insert(table_name(change.table)); }
  void operator()(const AddForeignKey& change) const {
    out_.insert(table_name(change.table));
    out_.insert(table_name(TableRef{change.fk.ref_schema, change.fk.ref_table}));
  }
  void operator()(const ValidateForeignKey& change) const { out_.insert(table_name(change.table)); }
  void operator()(const DropForeignKey& change) const { out_.insert(table_name(change.table)); }
  void operator()(const CreateIndex& change) const {
    out_.insert(table_name(change.table));
    out_.insert(table_name(change.table) + " index " + change.index.name);
  }
  void operator()(const SetNotNull& change) const { out_.insert(table_name(change.table)); }
  void operator()(const RebuildTable&) const {}

 private:
  const PostgresRenderer& renderer_;
  std::set<std::string>& out_;
};

}  // namespace

void PostgresRenderer::add_locked_objects(const Step& step, std::set<std::string>& locked) const {
  std::visit(LockedObjects(*this, locked), step.change);
}

std::vector<Statement> PostgresRenderer::render(const Step& step) const {
  return std::visit(StepRenderer(*this, step), step.change);
}

std::string PostgresRenderer::render_type(const ColumnType& type) const {
  if (!type.native.empty()) return type.native;
  std::string native = postgres::native_type(type.portable);
  if (native.empty()) throw Error("postgres renderer: unknown column type '" + type.portable + "'");
  return native;
}

std::string PostgresRenderer::exact_text(const std::string& column_sql) const {
  // Floats print their shortest exact form (extra_float_digits = 1, set per
  // session), numerics and dates their own exact text.
  return "CAST(" + column_sql + " AS TEXT)";
}

}  // namespace addrmig
