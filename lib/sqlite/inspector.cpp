#include "lib/sqlite/inspector.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/fact_batches.h"
#include "lib/sql.h"
#include "lib/sqlite/create_table_scan.h"

namespace addrmig {
using sqlite::scan_create_table;
using sqlite::CreateTableFacts;
namespace {

// The catalog queries, defined at the end of this file. Each binds the JSON
// array of requested table names once.
extern const char kObjectsQuery[];
extern const char kColumnsQuery[];
extern const char kForeignKeysQuery[];
extern const char kIndexesQuery[];


// SQLite resolves identifiers case-insensitively for ASCII letters only
// (sqlite3StrICmp), so that is the key requested and found names meet on.
std::string fold_name(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Names reserved for SQLite's own tables (sqlite_schema, sqlite_sequence, ...).
bool is_internal_table(std::string_view name) { return fold_name(name.substr(0, 7)) == "sqlite_"; }

// The requested names as one JSON array, expanded in SQL by json_each().
// nlohmann escapes quotes, backslashes and control characters.
std::string names_json(const std::vector<TableRef>& tables) {
  nlohmann::json names = nlohmann::json::array();
  for (const TableRef& ref : tables) names.push_back(ref.name);
  try {
    return names.dump();
  } catch (const nlohmann::json::exception&) {
    throw Error("sqlite inspector: a requested table name is not valid UTF-8");
  }
}

// Counts the statement and turns driver errors into DbError with context.
template <typename Body>
void run_query(std::size_t& counter, std::string_view what, Body&& body) {
  ++counter;
  try {
    body();
  } catch (...) {
    rethrow_db_error("sqlite inspector: " + std::string(what));
  }
}

bool is_exactly_integer(std::string_view declared) { return fold_name(declared) == "integer"; }

// The portable name of a declared type, if it has one. VARCHAR without a
// length (SQLAlchemy's String, many hand-written schemas) has TEXT affinity
// and no limit: it is text, and an address table declared so is not drifted.
std::string portable_type(const std::string& declared) {
  if (const std::optional<std::string> portable = canonical_portable_type(declared))
    return *portable;
  const std::string folded = fold_name(declared);
  if (folded == "varchar" || folded == "character varying") return "text";
  return {};
}

// --- Assembling Tables ---------------------------------------------------------

// A table's name as stored in sqlite_schema, and its CREATE TABLE text.
struct SchemaEntry {
  std::string name;
  std::string sql;
};

// The Catalog being built, with its tables found by folded name.
class CatalogBuilder {
 public:
  // Adds one Table per distinct requested name that exists, in request order.
  void add_requested(const std::vector<TableRef>& requested,
                     const std::unordered_map<std::string, SchemaEntry>& by_folded_name) {
    for (const TableRef& ref : requested) {
      const std::string key = fold_name(ref.name);
      auto entry = by_folded_name.find(key);
      if (entry == by_folded_name.end() || index_.count(key)) continue;
      index_.emplace(key, catalog_.tables.size());
      Table table;
      table.ref = ref;
      table.sql = entry->second.sql;
      if (entry->second.name != ref.name) table.catalog_name = entry->second.name;
      table.fold_case = true;  // SQLite names are ASCII case-insensitive
      catalog_.tables.push_back(std::move(table));
      pk_positions_.emplace_back();
      generated_columns_.push_back(false);
    }
  }

  // The table a catalog row belongs to, or nullptr when it was not requested.
  Table* table(std::string_view name) {
    auto it = index_.find(fold_name(name));
    return it == index_.end() ? nullptr : &catalog_.tables[it->second];
  }
  std::size_t position(const Table& table) const {
    return static_cast<std::size_t>(&table - catalog_.tables.data());
  }
  void note_pk_column(const Table& table, int position, std::string column) {
    pk_positions_[this->position(table)].emplace_back(position, std::move(column));
  }
  void note_generated_column(const Table& table) { generated_columns_[position(table)] = true; }

  Catalog& catalog() { return catalog_; }

  // What needs every column read: primary key order, the rowid alias, and the
  // facts read off the CREATE TABLE text.
  Catalog finish() {
    for (std::size_t i = 0; i < catalog_.tables.size(); ++i) {
      Table& table = catalog_.tables[i];
      auto& pk = pk_positions_[i];
      std::sort(pk.begin(), pk.end());
      for (auto& [position, column] : pk) table.primary_key.push_back(std::move(column));

      const CreateTableFacts facts = scan_create_table(table.sql, generated_columns_[i]);
      table.without_rowid = facts.without_rowid;
      table.autoincrement = facts.autoincrement;
      table.rebuild_unsafe = facts.rebuild_unsafe;
      mark_rowid_alias(table);
    }
    return std::move(catalog_);
  }

 private:
  // A single-column primary key declared exactly INTEGER on a rowid table is
  // the rowid itself: generated, and never NULL although SQLite reports
  // notnull = 0 for it.
  static void mark_rowid_alias(Table& table) {
    if (table.without_rowid || table.primary_key.size() != 1) return;
    for (Column& column : table.columns) {
      if (column.name != table.primary_key.front()) continue;
      if (!is_exactly_integer(column.type.native)) return;
      column.nullable = false;
      column.generated = true;
    }
  }

  Catalog catalog_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::vector<std::pair<int, std::string>>> pk_positions_;
  std::vector<bool> generated_columns_;
};

// pragma_table_xinfo.hidden: 1 is a hidden virtual-table column (not part of
// the table's data), 2 and 3 are generated columns (virtual, stored).
constexpr int kHiddenVirtualTableColumn = 1;

// --- measure() -----------------------------------------------------------------

std::string orphan_condition(const FactRequest& r) {
  return "o." + quote_ident(r.column) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
         quote_ident(r.parent.name) + " AS p WHERE p." + quote_ident(r.parent_key) + " = o." +
         quote_ident(r.column) + ")";
}

// (count, JSON array of sample ids) of the rows of `table` matching `where`:
// up to kOrphanSamples ids of them when the request names an id column.
std::string count_with_samples(const FactRequest& r, const std::string& table, const std::string& where) {
  // The LIMITed, ordered subquery is not flattened into the aggregate, so
  // json_group_array sees the samples in ascending order. Under CASE it
  // runs only when such rows exist: a clean table is scanned once, not twice.
  const std::string samples = r.id_column.empty()
                                  ? std::string("'[]'")
                                  : "CASE WHEN count(*) > 0 THEN (SELECT json_group_array(sample) "
                                    "FROM (SELECT o." +
                                        quote_ident(r.id_column) + " AS sample FROM " + table +
                                        " WHERE " + where + " ORDER BY 1 LIMIT " +
                                        std::to_string(kOrphanSamples) + ")) ELSE '[]' END";
  return "count(*), " + samples + " FROM " + table + " WHERE " + where;
}

// One SELECT term: (ordinal, count, JSON array of sample ids).
std::string measure_term(const FactRequest& r, std::size_t ordinal) {
  const std::string head = "SELECT " + std::to_string(ordinal) + ", ";
  const std::string table = quote_ident(r.table.name) + " AS o";
  switch (r.kind) {
    case FactKind::RowCount:
      return head + "count(*), '[]' FROM " + table;
    case FactKind::NullCount:
      return head + count_with_samples(r, table, "o." + quote_ident(r.column) + " IS NULL");
    case FactKind::Orphans:
      return head + count_with_samples(r, table, orphan_condition(r));
  }
  throw Error("sqlite inspector: unknown fact kind");
}

}  // namespace

Catalog SqliteInspector::inspect(const std::vector<TableRef>& tables) {
  const std::string names = names_json(tables);
  CatalogBuilder builder;
  Catalog& catalog = builder.catalog();

  // 1. Tables, views and triggers, in creation order (views are recreated in
  //    this order after a rebuild, so a view on a view comes after its base).
  struct SchemaRow {
    std::string type, name, table, sql;
  };
  std::vector<SchemaRow> objects;
  run_query(queries_, "reading sqlite_schema", [&] {
    SchemaRow row;
    soci::statement st = (session_.prepare << kObjectsQuery, soci::into(row.type),
                          soci::into(row.name), soci::into(row.table), soci::into(row.sql));
    st.execute();
    while (st.fetch()) objects.push_back(row);
  });
  std::unordered_map<std::string, SchemaEntry> table_sql;
  for (const SchemaRow& row : objects) {
    if (row.type == "table" && !is_internal_table(row.name)) {
      catalog.all_tables.push_back(TableRef{"", row.name});
      table_sql.emplace(fold_name(row.name), SchemaEntry{row.name, row.sql});
    } else if (row.type == "view") {
      catalog.views.push_back(SchemaObject{"view", row.name, "", row.sql});
      catalog.other_relations.push_back({TableRef{"", row.name}, "view"});
    } else if (row.type == "index") {
      catalog.other_relations.push_back({TableRef{"", row.name}, "index"});
    }
  }
  builder.add_requested(tables, table_sql);
  std::unordered_set<std::string> view_names;
  for (const SchemaObject& view : catalog.views) view_names.insert(fold_name(view.name));
  for (const SchemaRow& row : objects) {
    if (row.type != "trigger") continue;
    if (Table* table = builder.table(row.table))
      table->triggers.push_back(SchemaObject{"trigger", row.name, table->ref.name, row.sql});
    else if (view_names.count(fold_name(row.table)))
      catalog.view_triggers.push_back(SchemaObject{"trigger", row.name, row.table, row.sql});
  }

  // 2. Columns, in cid order.
  run_query(queries_, "reading columns", [&] {
    std::string table_name, name, type, default_sql;
    int cid = 0, notnull = 0, pk = 0, hidden = 0;
    soci::statement st =
        (session_.prepare << kColumnsQuery, soci::use(names), soci::into(table_name),
         soci::into(cid), soci::into(name), soci::into(type), soci::into(notnull),
         soci::into(default_sql), soci::into(pk), soci::into(hidden));
    st.execute();
    while (st.fetch()) {
      Table* table = builder.table(table_name);
      if (!table || hidden == kHiddenVirtualTableColumn) continue;
      Column column;
      column.name = name;
      column.type = ColumnType::from_native(type, portable_type(type));
      column.nullable = notnull == 0;
      column.default_sql = default_sql;
      column.generated = hidden > kHiddenVirtualTableColumn;
      if (column.generated) builder.note_generated_column(*table);
      if (pk > 0) builder.note_pk_column(*table, pk, name);
      table->columns.push_back(std::move(column));
    }
  });

  // 3. Foreign keys: one row per column, grouped by constraint id.
  run_query(queries_, "reading foreign keys", [&] {
    std::string table_name, ref_table, from, to, on_delete;
    int id = 0, seq = 0;
    soci::statement st =
        (session_.prepare << kForeignKeysQuery, soci::use(names), soci::into(table_name),
         soci::into(id), soci::into(seq), soci::into(ref_table), soci::into(from), soci::into(to),
         soci::into(on_delete));
    st.execute();
    while (st.fetch()) {
      Table* table = builder.table(table_name);
      if (!table) continue;
      if (seq == 0) {
        ForeignKey fk;
        fk.ref_table = ref_table;
        fk.on_delete = parse_on_delete(on_delete).value_or(OnDelete::NoAction);
        table->foreign_keys.push_back(std::move(fk));
      }
      ForeignKey& fk = table->foreign_keys.back();
      fk.columns.push_back(from);
      // A NULL target column means "the parent's primary key".
      if (!to.empty()) fk.ref_columns.push_back(to);
    }
  });

  // 4. Indexes with their columns, one row per index column.
  run_query(queries_, "reading indexes", [&] {
    std::string table_name, index_name, column, sql;
    int unique = 0, partial = 0, seqno = 0;
    soci::statement st =
        (session_.prepare << kIndexesQuery, soci::use(names), soci::into(table_name),
         soci::into(index_name), soci::into(unique), soci::into(partial), soci::into(seqno),
         soci::into(column), soci::into(sql));
    st.execute();
    while (st.fetch()) {
      Table* table = builder.table(table_name);
      if (!table) continue;
      if (seqno == 0) {
        Index index;
        index.name = index_name;
        index.unique = unique != 0;
        index.partial = partial != 0;
        index.sql = sql;
        // A parent key needs a unique index with the column's own collation
        // (else every FK check fails with "foreign key mismatch"). An index
        // naming a COLLATE of its own may differ; one without uses the column's.
        if (index.unique && sqlite::index_names_collation(sql))
          index.unusable_as_key =
              "it names a COLLATE of its own, and SQLite refuses a foreign key to a unique index "
              "whose collation differs from the column's (foreign key mismatch)";
        table->indexes.push_back(std::move(index));
      }
      table->indexes.back().columns.push_back(column);
    }
  });

  return builder.finish();
}

Facts SqliteInspector::measure(const std::vector<FactRequest>& requests) {
  return measure_in_batches(
      requests, kMeasureTermsPerStatement, measure_term,
      [&](const std::string& sql, const std::string& context,
          const std::function<void(const FactRow&)>& on_row) {
        run_query(queries_, context, [&] {
          long long ordinal = 0, count = 0;
          std::string samples;
          soci::statement st = (session_.prepare << sql, soci::into(ordinal), soci::into(count),
                                soci::into(samples));
          st.execute();
          while (st.fetch())
            on_row(FactRow{static_cast<std::size_t>(ordinal), count, samples});
        });
      });
}

namespace {

// Every table, view and trigger, in creation order.
const char kObjectsQuery[] = R"(
SELECT type, name, tbl_name, coalesce(sql, '')
FROM sqlite_schema
WHERE type IN ('table', 'view', 'trigger', 'index')
ORDER BY rowid)";

// The next three read the requested tables only: `?` is the JSON array of
// names, matched ASCII case-insensitively as SQLite matches table names.
const char kColumnsQuery[] = R"(
SELECT m.name, c.cid, c.name, c.type, c."notnull", coalesce(c.dflt_value, ''), c.pk, c.hidden
FROM sqlite_schema AS m
JOIN pragma_table_xinfo(m.name, 'main') AS c
WHERE m.type = 'table' AND m.name COLLATE NOCASE IN (SELECT value FROM json_each(?))
ORDER BY m.name, c.cid)";

// pragma_foreign_key_list numbers constraints from the last declared one, so
// descending ids give declaration order.
const char kForeignKeysQuery[] = R"(
SELECT m.name, f.id, f.seq, f."table", f."from", coalesce(f."to", ''), f.on_delete
FROM sqlite_schema AS m
JOIN pragma_foreign_key_list(m.name, 'main') AS f
WHERE m.type = 'table' AND m.name COLLATE NOCASE IN (SELECT value FROM json_each(?))
ORDER BY m.name, f.id DESC, f.seq)";

// Indexes in creation order (their sqlite_schema rowid; a WITHOUT ROWID
// table's primary key index has no row there and comes first). Expression
// columns have a NULL name, reported as "".
// sqlite_schema has no index on name: joining it directly scanned all of it
// once per index (quadratic at thousands of tables). Joined as a subquery,
// SQLite materializes it once and builds an automatic index on name.
const char kIndexesQuery[] = R"(
SELECT m.name, il.name, il."unique", il.partial, ii.seqno, coalesce(ii.name, ''), coalesce(s.sql, '')
FROM sqlite_schema AS m
JOIN pragma_index_list(m.name, 'main') AS il
JOIN pragma_index_info(il.name, 'main') AS ii
LEFT JOIN (SELECT name, sql, rowid AS position FROM sqlite_schema WHERE type = 'index') AS s
  ON s.name = il.name
WHERE m.type = 'table' AND m.name COLLATE NOCASE IN (SELECT value FROM json_each(?))
ORDER BY m.name, s.position, il.name, ii.seqno)";

}  // namespace
}  // namespace addrmig
