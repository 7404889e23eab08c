#include "lib/postgres/inspector.h"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <string_view>
#include <unordered_set>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/fact_batches.h"
#include "lib/postgres/dialect.h"
#include "lib/postgres/types.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

// The catalog queries, defined at the end of the file.
extern const std::string kColumnsQuery;
extern const std::string kConstraintsQuery;
extern const std::string kIndexesQuery;
extern const std::string kAllTablesQuery;

// The distinct requested tables, schema defaulted, first occurrence first.
// A set of seen names keeps this linear for thousands of parents.
std::vector<TableRef> distinct_requests(const std::vector<TableRef>& tables) {
  std::vector<TableRef> out;
  std::unordered_set<std::string> seen;
  for (const TableRef& table : tables) {
    TableRef ref = postgres::with_schema(table);
    if (seen.insert(ref.schema + '\0' + ref.name).second) out.push_back(std::move(ref));
  }
  return out;
}

// [{"schema": .., "name": .., "ord": i}, ...]: nlohmann escapes quotes,
// backslashes and control characters, so any name is safe inside the document.
std::string request_json(const std::vector<TableRef>& refs) {
  nlohmann::json doc = nlohmann::json::array();
  for (std::size_t i = 0; i < refs.size(); ++i)
    doc.push_back({{"schema", refs[i].schema}, {"name", refs[i].name}, {"ord", i}});
  try {
    return doc.dump();
  } catch (const nlohmann::json::type_error&) {
    // A UTF-8 database cannot hold such a name, so it names no table.
    throw Error("postgres inspector: a requested table or schema name is not valid UTF-8");
  }
}

std::vector<std::string> json_strings(const std::string& text) {
  return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

OnDelete on_delete_from_confdeltype(const std::string& code) {
  if (code == "r") return OnDelete::Restrict;
  if (code == "c") return OnDelete::Cascade;
  if (code == "n") return OnDelete::SetNull;
  if (code == "d") return OnDelete::SetDefault;
  return OnDelete::NoAction;  // 'a'
}

// serial/bigserial columns: their default draws from a sequence.
bool is_sequence_default(const std::string& default_sql) {
  return default_sql.rfind("nextval(", 0) == 0;
}

std::string qualified_name(const TableRef& ref) { return postgres::qualified(ref); }

std::string column_of(const std::string& alias, const std::string& column) {
  return quote_qualified(alias, column);
}

// (count, samples) of the rows `rows` selects ("FROM ... WHERE ..."): up to
// kOrphanSamples ids of them when the request names an id column.
std::string count_with_samples(const FactRequest& request, const std::string& rows) {
  std::string samples = "NULL::text";
  if (!request.id_column.empty()) {
    const std::string id = column_of("a", request.id_column);
    // Sorted by the id's own type (numeric ids ascend numerically), then
    // sent as text so any key type fits the Fact. Only run when such rows
    // exist (an uncorrelated subquery under CASE is evaluated lazily), so
    // the common clean table is scanned once, not twice.
    samples = "CASE WHEN c.n > 0 THEN (SELECT json_agg(o.id ORDER BY o.sort_key)::text FROM (SELECT " +
              id + "::text AS id, " + id + " AS sort_key" + rows + " ORDER BY " + id + " LIMIT " +
              std::to_string(kOrphanSamples) + ") AS o) END";
  }
  return "c.n, " + samples + " AS samples FROM (SELECT count(*) AS n" + rows + ") AS c";
}

// One term of the measuring UNION ALL: (ord, count, samples as JSON text).
std::string measure_term(const FactRequest& request, std::size_t ord) {
  const std::string table = qualified_name(request.table) + " AS " + quote_ident("a");
  const std::string prefix = "SELECT " + std::to_string(ord) + " AS ord, ";
  switch (request.kind) {
    case FactKind::RowCount:
      return prefix + "(SELECT count(*) FROM " + table + ") AS n, NULL::text AS samples";
    case FactKind::NullCount:
      return prefix + count_with_samples(request, " FROM " + table + " WHERE " +
                                                      column_of("a", request.column) + " IS NULL");
    case FactKind::Orphans:
      return prefix +
             count_with_samples(request, " FROM " + table + " WHERE " + column_of("a", request.column) +
                                             " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
                                             qualified_name(request.parent) + " AS " + quote_ident("p") +
                                             " WHERE " + column_of("p", request.parent_key) + " = " +
                                             column_of("a", request.column) + ")");
  }
  throw Error("postgres inspector: unknown fact kind");
}

}  // namespace

template <typename OnRow>
void PostgresInspector::run_query(const std::string& sql,
                                  const std::optional<std::string>& request_json,
                                  const std::string& context, OnRow on_row) {
  ++queries_;
  try {
    // A one-time query (PQexecParams, the unnamed statement), never a
    // rowset: SOCI prepares those as named statements (st_N) and DEALLOCATEs
    // them later, which breaks behind a transaction-pooling PgBouncer when the
    // next transaction lands on another server connection.
    soci::row row;
    soci::statement st(session_);
    st.exchange(soci::into(row));
    if (request_json) st.exchange(soci::use(*request_json, "request"));
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) on_row(static_cast<const soci::row&>(row));
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_db_error("postgres inspector: " + context);
  }
}

std::optional<std::int64_t> PostgresInspector::lock_capacity() {
  std::int64_t capacity = 0;
  const std::string sql =
      "SELECT (current_setting('max_locks_per_transaction')::bigint * (current_setting('max_connections')::bigint"
      " + current_setting('max_prepared_transactions')::bigint))::text";
  run_query(sql, std::nullopt, "reading the lock table size", [&](const soci::row& row) {
    capacity = std::stoll(row.get<std::string>(0));
  });
  --queries_;  // a server setting, not a catalog query
  return capacity;
}

Catalog PostgresInspector::inspect(const std::vector<TableRef>& tables) {
  Catalog catalog;
  const std::vector<TableRef> refs = distinct_requests(tables);
  if (refs.empty()) return catalog;
  const std::string request = request_json(refs);

  TableSlots slots(refs.size());
  read_columns(request, slots);
  read_constraints(request, slots);
  read_indexes(request, slots);
  read_all_relations(request, catalog);
  for (std::optional<Table>& slot : slots)
    if (slot) catalog.tables.push_back(std::move(*slot));
  return catalog;
}

void PostgresInspector::read_columns(const std::string& request, TableSlots& slots) {
  run_query(kColumnsQuery, request, "reading tables and columns", [&](const soci::row& row) {
    std::optional<Table>& slot = slots.at(row.get<int>(0));
    if (!slot) {
      slot.emplace();
      slot->ref = TableRef{row.get<std::string>(1), row.get<std::string>(2)};
      slot->row_security_applies = row.get<int>(10) != 0;
      slot->owned = row.get<int>(11) != 0;
      slot->can_reference = row.get<int>(12) != 0;
      slot->partitioned = row.get<int>(13) != 0;
      slot->alter_unsupported = row.get<std::string>(14);
    }
    if (row.get<int>(3) == 0) return;  // a table without columns
    Column column;
    column.name = row.get<std::string>(4);
    const std::string native = row.get<std::string>(5);
    column.type = ColumnType::from_native(native, postgres::portable_type(native));
    column.nullable = row.get<int>(6) == 0;
    const std::string default_sql = row.get<std::string>(7);
    const bool identity = !row.get<std::string>(8).empty();
    // A stored generated column's expression lives in pg_attrdef too, but it
    // is not a default: the database computes every value.
    const bool computed = !row.get<std::string>(9).empty();
    column.generated = identity || computed || is_sequence_default(default_sql);
    if (!computed) column.default_sql = default_sql;
    slot->columns.push_back(std::move(column));
  });
}

void PostgresInspector::read_constraints(const std::string& request, TableSlots& slots) {
  run_query(kConstraintsQuery, request, "reading keys", [&](const soci::row& row) {
    std::optional<Table>& slot = slots.at(row.get<int>(0));
    if (!slot) return;  // created after the columns query ran: not part of this catalog
    std::vector<std::string> columns = json_strings(row.get<std::string>(3));
    const std::string type = row.get<std::string>(1);
    slot->constraint_names.push_back(row.get<std::string>(2));
    if (type == "p") {
      slot->primary_key = std::move(columns);
      return;
    }
    if (type != "f") return;  // CHECK, UNIQUE, EXCLUDE, ...: only their names matter
    ForeignKey fk;
    fk.name = row.get<std::string>(2);
    fk.columns = std::move(columns);
    fk.ref_schema = row.get<std::string>(4);
    fk.ref_table = row.get<std::string>(5);
    fk.ref_columns = json_strings(row.get<std::string>(6));
    fk.on_delete = on_delete_from_confdeltype(row.get<std::string>(7));
    fk.validated = row.get<int>(8) != 0;
    fk.on_update = on_delete_from_confdeltype(row.get<std::string>(9));
    fk.deferrable = row.get<int>(10) != 0;
    fk.initially_deferred = row.get<int>(11) != 0;
    fk.match_full = row.get<std::string>(12) == "f";
    slot->foreign_keys.push_back(std::move(fk));
  });
}

void PostgresInspector::read_indexes(const std::string& request, TableSlots& slots) {
  run_query(kIndexesQuery, request, "reading indexes", [&](const soci::row& row) {
    std::optional<Table>& slot = slots.at(row.get<int>(0));
    if (!slot) return;
    Index index;
    index.name = row.get<std::string>(1);
    index.columns = json_strings(row.get<std::string>(2));
    index.unique = row.get<int>(3) != 0;
    index.partial = row.get<int>(4) != 0;
    index.sql = row.get<std::string>(5);
    index.valid = row.get<int>(6) != 0;
    if (index.unique && row.get<int>(7) == 0)
      index.unusable_as_key =
          "it is DEFERRABLE, and PostgreSQL refuses a foreign key to a deferrable unique constraint";
    slot->indexes.push_back(std::move(index));
  });
}

static std::string relation_kind(const std::string& relkind) {
  if (relkind == "v") return "view";
  if (relkind == "m") return "materialized view";
  if (relkind == "f") return "foreign table";
  if (relkind == "S") return "sequence";
  if (relkind == "i" || relkind == "I") return "index";
  if (relkind == "c") return "composite type";
  if (relkind == "#d") return "domain";
  if (relkind == "#e") return "enum type";
  if (relkind == "#r" || relkind == "#m") return "range type";
  if (relkind.rfind('#', 0) == 0) return "type";
  return "relation";
}

void PostgresInspector::read_all_relations(const std::string& request, Catalog& catalog) {
  catalog.schemas_known = true;
  run_query(kAllTablesQuery, request, "listing tables", [&](const soci::row& row) {
    TableRef ref{row.get<std::string>(0), row.get<std::string>(1)};
    const std::string relkind = row.get<std::string>(2);
    if (relkind == "schema") {
      catalog.schemas.push_back({ref.schema, row.get<int>(3) != 0});
      return;
    }
    if (relkind == "r" || relkind == "p") catalog.all_tables.push_back(std::move(ref));
    else catalog.other_relations.push_back({std::move(ref), relation_kind(relkind)});
  });
}

Facts PostgresInspector::measure(const std::vector<FactRequest>& requests) {
  return measure_in_batches(
      requests, kFactsPerStatement, measure_term,
      [&](const std::string& sql, const std::string& context,
          const std::function<void(const FactRow&)>& on_row) {
        run_query(sql, std::nullopt, context, [&](const soci::row& row) {
          FactRow fact;
          fact.ordinal = static_cast<std::size_t>(row.get<int>(0));
          fact.count = row.get<long long>(1);
          if (row.get_indicator(2) != soci::i_null) fact.samples_json = row.get<std::string>(2);
          on_row(fact);
        });
      });
}

namespace {

// The requested tables that exist, with their position in the request. Every
// catalog query starts from it, so one bound JSON document drives all four.
constexpr std::string_view kFoundTables =
    "WITH requested AS (\n"
    "  SELECT r.schema, r.name, r.ord\n"
    "  FROM json_to_recordset(:request::json) AS r(schema text, name text, ord int)\n"
    "), found AS (\n"
    "  SELECT q.ord, c.oid, n.nspname::text AS schema_name, c.relname::text AS table_name,\n"
    // The rule of the server's check_enable_rls(): would a policy filter us?
    "    (c.relrowsecurity\n"
    "     AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)\n"
    "     AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE')))::int AS rls,\n"
    // ALTER TABLE needs the owner's rights; an FK needs REFERENCES on its target.
    "    pg_has_role(c.relowner, 'USAGE')::int AS owned,\n"
    "    has_table_privilege(c.oid, 'REFERENCES')::int AS can_reference,\n"
    "    (c.relkind = 'p')::int AS partitioned,\n"
    // What ALTER TABLE on this table cannot do, or does beyond it.
    "    CASE WHEN c.relispartition THEN 'a partition of ' ||\n"
    "           (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid LIMIT 1)\n"
    "         WHEN c.reloftype <> 0 THEN 'a typed table (OF ' || c.reloftype::regtype::text || ')'\n"
    "         WHEN c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)\n"
    "           THEN 'the parent of inheritance children (' || (SELECT string_agg(i.inhrelid::regclass::text,\n"
    "             ', ' ORDER BY i.inhrelid::regclass::text) FROM pg_inherits i WHERE i.inhparent = c.oid) ||\n"
    "             '), which ALTER TABLE would change too'\n"
    "         ELSE '' END AS shape\n"
    "  FROM requested q\n"
    "  JOIN pg_namespace n ON n.nspname = q.schema\n"
    "  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = q.name\n"
    "    AND c.relkind IN ('r', 'p')\n"
    ")\n";

// A LEFT JOIN keeps tables without columns (CREATE TABLE t ()) in the result.
const std::string kColumnsQuery = std::string(kFoundTables) +
    "SELECT f.ord, f.schema_name, f.table_name,\n"
    "  (a.attnum IS NOT NULL)::int AS has_column,\n"
    "  coalesce(a.attname::text, '') AS column_name,\n"
    "  coalesce(format_type(a.atttypid, a.atttypmod), '') AS native_type,\n"
    "  coalesce(a.attnotnull::int, 0) AS not_null,\n"
    "  coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS default_sql,\n"
    "  coalesce(a.attidentity::text, '') AS identity,\n"
    "  coalesce(a.attgenerated::text, '') AS generated,\n"
    "  f.rls, f.owned, f.can_reference, f.partitioned, f.shape\n"
    "FROM found f\n"
    "LEFT JOIN pg_attribute a ON a.attrelid = f.oid AND a.attnum > 0 AND NOT a.attisdropped\n"
    "LEFT JOIN pg_attrdef d ON d.adrelid = f.oid AND d.adnum = a.attnum\n"
    "ORDER BY f.ord, a.attnum";

// Key columns as JSON arrays of names in key order (conkey/confkey are
// attnum arrays).
const std::string kConstraintsQuery = std::string(kFoundTables) +
    "SELECT f.ord, con.contype::text, con.conname::text,\n"
    "  (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]')::text\n"
    "   FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)\n"
    "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,\n"
    "  coalesce(rn.nspname::text, '') AS ref_schema,\n"
    "  coalesce(rc.relname::text, '') AS ref_table,\n"
    "  (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]')::text\n"
    "   FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)\n"
    "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,\n"
    "  con.confdeltype::text, con.convalidated::int, coalesce(con.confupdtype::text, 'a'),\n"
    "  con.condeferrable::int, con.condeferred::int, coalesce(con.confmatchtype::text, 's')\n"
    "FROM found f\n"
    "JOIN pg_constraint con ON con.conrelid = f.oid\n"
    "LEFT JOIN pg_class rc ON rc.oid = con.confrelid\n"
    "LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace\n"
    "ORDER BY f.ord, con.contype DESC, con.conname";

// The primary key's own index is the PK, not an extra index. Only key columns
// (the first indnkeyatts) count; INCLUDE columns do not. attnum 0 marks an
// expression, reported as "".
const std::string kIndexesQuery = std::string(kFoundTables) +
    "SELECT f.ord, ic.relname::text,\n"
    "  (SELECT json_agg(coalesce(a.attname::text, '') ORDER BY k.i)::text\n"
    "   FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, i)\n"
    "   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum\n"
    "   WHERE k.i <= i.indnkeyatts) AS columns,\n"
    "  i.indisunique::int, (i.indpred IS NOT NULL)::int, pg_get_indexdef(i.indexrelid),\n"
    "  i.indisvalid::int, i.indimmediate::int\n"
    "FROM found f\n"
    "JOIN pg_index i ON i.indrelid = f.oid AND NOT i.indisprimary\n"
    "JOIN pg_class ic ON ic.oid = i.indexrelid\n"
    "ORDER BY f.ord, ic.relname";

// Partitions are left out: they are storage of their partitioned table, not
// tables anyone configures. Types that are no relation's row type (domains,
// enums, ranges) hold a name CREATE TABLE needs too; array types do not (the
// server renames them). Every user schema comes as kind 'schema', with
// whether the role may CREATE in it.
const std::string kAllTablesQuery = std::string(kFoundTables) +
    "SELECT n.nspname::text, c.relname::text, c.relkind::text, 0 AS can_create\n"
    "FROM pg_class c\n"
    "JOIN pg_namespace n ON n.oid = c.relnamespace\n"
    "WHERE NOT (c.relkind IN ('r', 'p') AND c.relispartition) AND c.relkind <> 't'\n"
    "  AND n.nspname IN (SELECT schema FROM requested)\n"
    "UNION ALL\n"
    "SELECT n.nspname::text, t.typname::text, '#' || t.typtype::text, 0\n"
    "FROM pg_type t\n"
    "JOIN pg_namespace n ON n.oid = t.typnamespace\n"
    "WHERE t.typrelid = 0 AND t.typcategory <> 'A' AND t.typtype <> 'p'\n"
    "  AND n.nspname IN (SELECT schema FROM requested)\n"
    "UNION ALL\n"
    "SELECT n.nspname::text, '', 'schema', has_schema_privilege(n.oid, 'CREATE')::int\n"
    "FROM pg_namespace n\n"
    "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'\n"
    "ORDER BY 1, 2";

}  // namespace

}  // namespace addrmig
