#pragma once
// The pure schema model: what an inspector reads and what the planner wants.
// No database headers here (atlas sql/schema). Vectors, not maps, so that
// declaration order survives into plans and output.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace addrmig {

enum class Dialect { Sqlite, Postgres };
// "sqlite" | "postgresql" (defined by the factory, lib/dialect.cpp)
std::string_view dialect_name(Dialect dialect);

enum class OnDelete { NoAction, Restrict, Cascade, SetNull, SetDefault };
std::string_view on_delete_sql(OnDelete action);     // "NO ACTION", "CASCADE", ...
std::string_view on_delete_config(OnDelete action);  // "no action", "cascade", ...
// Accepts the config spellings ("cascade", "set null", ...), case-insensitive.
std::optional<OnDelete> parse_on_delete(std::string_view text);

// A column type as two spellings:
//  - portable: the config's portable name when the type is one of them
//    ("integer", "varchar(20)", "numeric(10,2)"), otherwise empty;
//  - native: the dialect's own spelling as the catalog reports it
//    ("character varying(20)", "INT"), empty for a type that came from config.
// Renderers use native when present, else render portable. Two types are equal
// when their portable names are equal, or, if either has none, when their
// native spellings are equal ignoring case and blanks.
struct ColumnType {
  std::string portable;
  std::string native;

  static ColumnType from_portable(std::string portable_name);
  static ColumnType from_native(std::string native_name, std::string portable_name = {});
  // What to show a person: the portable name, else the native one.
  const std::string& display() const { return portable.empty() ? native : portable; }
  bool operator==(const ColumnType& other) const;
};

// Canonical portable spelling of a config type ("VarChar( 20 )" -> "varchar(20)"),
// or nullopt when it is not one of the portable types.
std::optional<std::string> canonical_portable_type(std::string_view text);

struct Column {
  std::string name;
  ColumnType type;
  bool nullable = true;
  // A DDL default expression, already SQL (from the catalog, or a literal the
  // planner rendered through quote_literal). Empty: no default.
  std::string default_sql;
  // The column's values are generated (SQLite INTEGER PRIMARY KEY rowid alias,
  // PostgreSQL serial/identity).
  bool generated = false;
};

struct ForeignKey {
  std::string name;  // may be empty on SQLite (unnamed constraint)
  std::vector<std::string> columns;
  std::string ref_schema;  // empty on SQLite
  std::string ref_table;
  std::vector<std::string> ref_columns;  // SQLite may leave it empty: the parent's PK
  OnDelete on_delete = OnDelete::NoAction;
  bool validated = true;  // PostgreSQL NOT VALID constraints are false
  // Attributes the config does not set; a replaced FK keeps them (PostgreSQL).
  OnDelete on_update = OnDelete::NoAction;
  bool deferrable = false;
  bool initially_deferred = false;
  bool match_full = false;
};

struct Index {
  std::string name;
  std::vector<std::string> columns;  // an expression column is reported as ""
  bool unique = false;
  bool partial = false;
  // SQLite: the CREATE INDEX statement from sqlite_schema (empty for
  // automatic indexes), kept so a table rebuild can recreate it verbatim.
  std::string sql;
  // PostgreSQL: false when a failed CREATE INDEX CONCURRENTLY left it behind.
  // Writes still maintain it, but no query uses it and it enforces nothing.
  // Last, so that brace-initialised Indexes elsewhere keep their meaning.
  bool valid = true;
  // Why the dialect refuses a foreign key to this unique index, if it does:
  // SQLite needs the column's own collation, PostgreSQL a non-deferrable one.
  std::string unusable_as_key;
};

// A trigger or view, kept for SQLite table rebuilds (they must be dropped
// and recreated around the rebuild).
struct SchemaObject {
  std::string kind;  // "trigger" | "view"
  std::string name;
  std::string table;  // the table it is on / (for views) empty
  std::string sql;
};

struct TableRef {
  std::string schema;  // empty on SQLite; PostgreSQL defaults to "public"
  std::string name;
  // The schema is the dialect's default and the config did not name it:
  // display() shows the table as the user wrote it, without the schema.
  // Not part of the table's identity (operator== ignores it).
  bool schema_implied = false;
  bool operator==(const TableRef& other) const {
    return schema == other.schema && name == other.name;
  }
  // "name" or "schema.name", for messages (not SQL).
  std::string display() const;
};

struct Table {
  TableRef ref;
  std::vector<Column> columns;
  std::vector<std::string> primary_key;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Index> indexes;
  std::vector<SchemaObject> triggers;
  std::string sql;  // SQLite: CREATE TABLE text from sqlite_schema
  bool without_rowid = false;
  bool autoincrement = false;  // SQLite AUTOINCREMENT on the rowid alias
  // SQLite: why this table cannot be rebuilt from the model without losing
  // schema the model does not capture (CHECK, COLLATE, generated columns...).
  // Empty: a rebuild from the model is faithful. The planner blocks a rebuild
  // that would be needed when this is set.
  std::string rebuild_unsafe;
  // Names of columns (and of this table) match ASCII case-insensitively, as
  // SQLite matches them: `Street` is the column `street`.
  bool fold_case = false;
  // PostgreSQL: a row-level security policy filters this role's reads of the
  // table (RLS enabled, the role neither superuser nor BYPASSRLS, and not the
  // owner or FORCE ROW LEVEL SECURITY set). Checks that decide about data
  // cannot trust a count then; the planner blocks instead of asking.
  bool row_security_applies = false;
  // The name as the catalog spells it, when the lookup matched another
  // spelling (SQLite: `Customer_Address` for `customer_address`). A rebuild
  // keeps it. Empty: ref.name is the catalog's spelling.
  std::string catalog_name;
  // PostgreSQL: why ALTER TABLE on this table would reach beyond it or fail
  // ("a partition of ...", "a typed table", inheritance children). Empty: none.
  std::string alter_unsupported;
  bool partitioned = false;   // PostgreSQL: no NOT VALID foreign key on it
  bool owned = true;          // the current role may ALTER it (owner or member)
  bool can_reference = true;  // the current role may REFERENCES it in an FK
  // PostgreSQL: every constraint name on the table (CHECK, UNIQUE, FK, ...):
  // a new constraint needs a name none of them has.
  std::vector<std::string> constraint_names;

  bool same_name(std::string_view a, std::string_view b) const;
  bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) const;
  const Column* column(std::string_view name) const;
  // The index whose leading column is `column`, if any.
  const Index* index_leading(std::string_view column) const;
  // The foreign key whose only column is `column`, if any.
  const ForeignKey* foreign_key_on(std::string_view column) const;
};

// Finds an element of a vector by a string key in constant time, for
// Catalog::find and Facts::find: the planner calls them for every parent, and
// a linear scan each made 5000 parents quadratic. It is a cache, invisible to
// callers: built on the first lookup, rebuilt whenever the vector's size or
// buffer changed since, and a hit is checked against the element itself. A
// copy starts empty (it belongs to another vector); a move keeps it (the
// moved vector keeps its buffer). Not thread-safe: const lookups fill it.
class PositionCache {
 public:
  PositionCache() = default;
  PositionCache(const PositionCache&) {}
  PositionCache& operator=(const PositionCache&);
  PositionCache(PositionCache&&) noexcept = default;
  PositionCache& operator=(PositionCache&&) noexcept = default;

  // The first position i < size whose key_at(i) is `key`, if any; `data`
  // identifies the vector's buffer.
  std::optional<std::size_t> find(const void* data, std::size_t size, const std::string& key,
                                  const std::function<std::string(std::size_t)>& key_at) const;

 private:
  void rebuild(const void* data, std::size_t size,
               const std::function<std::string(std::size_t)>& key_at) const;

  mutable std::unordered_map<std::string, std::size_t> positions_;
  mutable const void* data_ = nullptr;
  mutable std::size_t size_ = 0;
  mutable bool built_ = false;
};

// What an inspector read: the requested tables that exist, plus views (SQLite,
// for rebuilds). Tables keep the order in which they were requested.
struct Catalog {
  std::vector<Table> tables;
  std::vector<SchemaObject> views;
  // SQLite: triggers on views (INSTEAD OF), `table` naming their view. A
  // rebuild that drops a view must recreate them with it.
  std::vector<SchemaObject> view_triggers;
  // Every base table in the inspected schemas (name only), to report extra
  // `*_address` tables nobody configured. Read in the same fixed query budget.
  std::vector<TableRef> all_tables;
  // Everything else that holds a name a table or index would need, in the
  // inspected schemas: views, materialized views, foreign tables, sequences,
  // indexes. CREATE TABLE/INDEX fails on any of them. Same query budget.
  struct NamedRelation {
    TableRef ref;
    std::string kind;  // "view", "materialized view", "foreign table", "sequence", "index", ...
  };
  std::vector<NamedRelation> other_relations;
  // PostgreSQL: the inspected schemas that exist, and whether the current
  // role may CREATE in each. Empty `schemas_known`: the dialect has none.
  struct SchemaInfo {
    std::string name;
    bool can_create = true;
  };
  std::vector<SchemaInfo> schemas;
  bool schemas_known = false;
  bool database_exists = true;  // false: SQLite file missing, inspected as empty

  const Table* find(const TableRef& ref) const;

  PositionCache table_positions;  // for find(); not part of the value
};

// Data facts the planner needs and cannot read from the catalog. The planner
// asks for them (fact_requests), an inspector measures them in batched queries.
enum class FactKind { RowCount, NullCount, Orphans };

struct FactRequest {
  FactKind kind = FactKind::RowCount;
  TableRef table;
  std::string column;       // NullCount, Orphans: the FK column
  std::string id_column;    // Orphans: column whose values sample the orphan rows
  TableRef parent;          // Orphans
  std::string parent_key;   // Orphans
  bool operator==(const FactRequest&) const = default;
};

struct Fact {
  FactRequest request;
  std::int64_t count = 0;
  std::vector<std::string> samples;  // Orphans: up to 5 ids, ascending
};

struct Facts {
  std::vector<Fact> facts;
  const Fact* find(const FactRequest& request) const;

  PositionCache fact_positions;  // for find(); not part of the value
};

}  // namespace addrmig
