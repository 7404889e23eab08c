#include "lib/postgres_renderer.h"

#include <regex>
#include <variant>

#include "lib/errors.h"
#include "lib/identifier.h"

namespace addrmig {
namespace {

constexpr const char* kDefaultSchema = "public";

std::string table_name(const TableRef& ref) {
  return quote_ident(ref.schema.empty() ? kDefaultSchema : ref.schema) + "." +
         quote_ident(ref.name);
}

std::string column_list(const std::vector<std::string>& columns) {
  std::string out = "(";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += quote_ident(columns[i]);
  }
  return out + ")";
}

// Names in comments are shown unquoted, for people; a comment is one `--`
// line, so control characters (a newline in a hostile name would end the
// comment and turn the rest of the name into SQL) become '?'.
std::string one_line(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

std::string shown(const TableRef& ref) {
  return ref.schema.empty() || ref.schema == kDefaultSchema ? ref.name : ref.schema + "." + ref.name;
}

std::string shown_columns(const std::vector<std::string>& columns) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + columns[i];
  return out;
}

std::string shown_target(const ForeignKey& fk) {
  std::string target = shown(TableRef{fk.ref_schema, fk.ref_table});
  if (fk.ref_columns.empty()) return target;  // its primary key
  return target + "(" + shown_columns(fk.ref_columns) + ")";
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
  explicit StepRenderer(const PostgresRenderer& renderer) : renderer_(renderer) {}

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
    std::string comment = shown(table.ref) + ": create table";
    for (const ForeignKey& fk : table.foreign_keys)
      comment += ", foreign key " + shown_columns(fk.columns) + " -> " + shown_target(fk) +
                 " on delete " + std::string(on_delete_config(fk.on_delete));
    return {{sql, one_line(comment)}};
  }

  std::vector<Statement> operator()(const AddColumn& change) const {
    std::string comment = shown(change.table) + ": add column " + change.column.name;
    if (!change.column.nullable && !change.column.default_sql.empty())
      comment += " (NOT NULL with a default: existing rows get the default)";
    return {{"ALTER TABLE " + table_name(change.table) + " ADD COLUMN " +
                 column_definition(change.column),
             one_line(comment)}};
  }

  std::vector<Statement> operator()(const AddForeignKey& change) const {
    const ForeignKey& fk = change.fk;
    std::string sql = "ALTER TABLE " + table_name(change.table) + " ADD " + foreign_key_clause(fk);
    std::string comment = shown(change.table) + ": add foreign key " + shown_columns(fk.columns) +
                          " -> " + shown_target(fk) + " on delete " +
                          std::string(on_delete_config(fk.on_delete));
    if (!fk.validated) {
      sql += " NOT VALID";
      comment += ", NOT VALID so existing rows are checked without a long lock";
    }
    return {{sql, one_line(comment)}};
  }

  std::vector<Statement> operator()(const ValidateForeignKey& change) const {
    // After the migration commits, in its own transaction: ADD CONSTRAINT's
    // SHARE ROW EXCLUSIVE lock (which blocks writes) is released by then, and
    // the scan holds only SHARE UPDATE EXCLUSIVE, which writers do not wait for.
    return {{"ALTER TABLE " + table_name(change.table) + " VALIDATE CONSTRAINT " +
                 quote_ident(change.name),
             one_line(shown(change.table) + ": validate foreign key " + change.name +
                      " (checks existing rows; writes stay allowed)"),
             /*after_commit=*/true}};
  }

  std::vector<Statement> operator()(const DropForeignKey& change) const {
    return {{"ALTER TABLE " + table_name(change.table) + " DROP CONSTRAINT " +
                 quote_ident(change.name),
             one_line(shown(change.table) + ": drop foreign key " + change.name +
                      " to replace it (no data is touched)")}};
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
    return {{sql, one_line(shown(change.table) + ": " + (index.unique ? "unique index " : "index ") +
                           index.name + " on " + shown_columns(index.columns))}};
  }

  std::vector<Statement> operator()(const SetNotNull& change) const {
    return {{"ALTER TABLE " + table_name(change.table) + " ALTER COLUMN " +
                 quote_ident(change.column) + " SET NOT NULL",
             one_line(shown(change.table) + ": set " + change.column +
                      " NOT NULL (a full scan under an exclusive lock checks for NULLs)")}};
  }

  std::vector<Statement> operator()(const RebuildTable& change) const {
    throw Error("postgres renderer: cannot rebuild " + change.from.ref.display() +
                ": table rebuilds are SQLite-only; PostgreSQL alters constraints in place");
  }

 private:
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
};

}  // namespace

std::vector<Statement> PostgresRenderer::render(const Step& step) const {
  return std::visit(StepRenderer(*this), step.change);
}

std::string PostgresRenderer::create_history_table(const std::string& schema) const {
  return "CREATE TABLE IF NOT EXISTS " + quote_ident(schema) + ".\"addrmig_history\" (\n"
         "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
         "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
         "  tool_version text NOT NULL,\n"
         "  config_checksum text NOT NULL,\n"
         "  sql_checksum text NOT NULL,\n"
         "  statement_count integer NOT NULL,\n"
         "  duration_ms bigint NOT NULL,\n"
         "  source text NOT NULL,\n"
         "  dialect text NOT NULL,\n"
         "  run_id text\n"
         ")";
}

std::string PostgresRenderer::add_history_run_id(const std::string& schema) const {
  return "ALTER TABLE " + quote_ident(schema) + ".\"addrmig_history\" ADD COLUMN IF NOT EXISTS run_id text";
}

std::string PostgresRenderer::render_type(const ColumnType& type) const {
  if (!type.native.empty()) return type.native;
  static const std::pair<const char*, const char*> plain[] = {
      {"text", "text"}, {"integer", "integer"}, {"bigint", "bigint"},
      {"boolean", "boolean"}, {"real", "real"}, {"double", "double precision"},
      {"date", "date"}, {"timestamp", "timestamp"}, {"uuid", "uuid"}};
  for (const auto& [portable, pg] : plain)
    if (type.portable == portable) return pg;
  // varchar(N) and numeric(P,S) are spelled the same on PostgreSQL.
  static const std::regex sized(R"((varchar\(\d+\)|numeric\(\d+,\d+\)))");
  if (std::regex_match(type.portable, sized)) return type.portable;
  throw Error("postgres renderer: unknown column type '" + type.portable + "'");
}

std::string PostgresRenderer::exact_text(const std::string& column_sql) const {
  // Floats print their shortest exact form (extra_float_digits = 1, set per
  // session), numerics and dates their own exact text.
  return "CAST(" + column_sql + " AS TEXT)";
}

}  // namespace addrmig
