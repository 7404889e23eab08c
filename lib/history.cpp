#include "lib/history.h"

#include <soci/soci.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "lib/bound_query.h"
#include "lib/identifier.h"

namespace addrmig {
namespace {

std::string history_table(Dialect dialect, const std::string& schema) {
  return dialect == Dialect::Postgres ? quote_ident(schema) + "." + quote_ident(kHistoryTable)
                                      : quote_ident(kHistoryTable);
}

bool history_exists(Connection& conn, const std::string& schema) {
  int found = 0;
  const std::string name = kHistoryTable;
  if (conn.dialect() == Dialect::Sqlite) {
    conn.session() << "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = :name",
        soci::use(name), soci::into(found);
  } else {
    const std::string qualified = quote_ident(schema) + "." + quote_ident(name);
    conn.session() << "SELECT CASE WHEN to_regclass(:name) IS NULL THEN 0 ELSE 1 END",
        soci::use(qualified), soci::into(found);
  }
  return found > 0;
}

bool history_has_run_id_column(Connection& conn, const std::string& schema) {
  int found = 0;
  try {
    if (conn.dialect() == Dialect::Sqlite) {
      conn.session() << "SELECT count(*) FROM pragma_table_info('addrmig_history') WHERE name = 'run_id'",
          soci::into(found);
    } else {
      const std::string qualified = quote_ident(schema) + "." + quote_ident(kHistoryTable);
      conn.session() << "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(:name)"
                        " AND attname = 'run_id' AND NOT attisdropped",
          soci::use(qualified), soci::into(found);
    }
  } catch (...) {
    rethrow_db_error("reading the columns of " + std::string(kHistoryTable));
  }
  return found > 0;
}

}  // namespace

std::string new_run_id() {
  std::random_device random;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char chunk[9];
    std::snprintf(chunk, sizeof chunk, "%08x", static_cast<unsigned>(random()));
    out += chunk;
  }
  return out;
}

bool history_has_run(Connection& conn, const std::string& schema, const std::string& run_id) {
  try {
    if (!history_exists(conn, schema) || !history_has_run_id_column(conn, schema)) return false;
    int found = 0;
    conn.session() << "SELECT count(*) FROM " + history_table(conn.dialect(), schema) + " WHERE run_id = :run_id",
        soci::use(run_id), soci::into(found);
    return found > 0;
  } catch (...) {
    rethrow_db_error("looking up run " + run_id + " in " + std::string(kHistoryTable));
  }
}

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string history_schema_for(const Config& config) {
  if (!config.history_schema.empty()) return config.history_schema;
  if (!config.parents.empty() && !config.parents.front().schema.empty())
    return config.parents.front().schema;
  return "public";
}

std::string history_schema_for(Connection& conn, const Config& config) {
  const std::string schema = history_schema_for(config);
  if (conn.dialect() != Dialect::Postgres || !config.history_schema.empty() || schema == "public")
    return schema;
  try {
    if (history_exists(conn, "public")) return "public";
  } catch (...) {
    rethrow_db_error("looking for public." + std::string(kHistoryTable));
  }
  return schema;
}

void record_history(Connection& conn, const Renderer& renderer, const HistoryEntry& entry,
                    const std::string& schema) {
  // CREATE TABLE IF NOT EXISTS checks CREATE on the schema before it finds
  // the table: a role that may only INSERT into an existing history fails.
  bool exists = false;
  try {
    exists = history_exists(conn, schema);
  } catch (...) {
    rethrow_db_error("looking for " + std::string(kHistoryTable));
  }
  if (!exists)
    conn.execute(renderer.create_history_table(schema), "creating " + std::string(kHistoryTable));
  if (!history_has_run_id_column(conn, schema))
    conn.execute(renderer.add_history_run_id(schema), "adding run_id to " + std::string(kHistoryTable));
  const std::string cast = conn.dialect() == Dialect::Postgres ? "CAST(:applied_at AS timestamptz)"
                                                               : ":applied_at";
  long long statements = entry.statement_count;
  long long duration = entry.duration_ms;
  try {
    conn.session() << "INSERT INTO " + history_table(conn.dialect(), schema) +
                          " (applied_at, tool_version, config_checksum, sql_checksum,"
                          " statement_count, duration_ms, source, dialect, run_id) VALUES (" +
                          cast +
                          ", :tool_version, :config_checksum, :sql_checksum, :statement_count,"
                          " :duration_ms, :source, :dialect, :run_id)",
        soci::use(entry.applied_at), soci::use(entry.tool_version),
        soci::use(entry.config_checksum), soci::use(entry.sql_checksum), soci::use(statements),
        soci::use(duration), soci::use(entry.source), soci::use(entry.dialect), soci::use(entry.run_id);
  } catch (...) {
    rethrow_db_error("recording the applied plan in " + std::string(kHistoryTable));
  }
}

std::vector<HistoryEntry> read_history(Connection& conn, const std::string& schema) {
  std::vector<HistoryEntry> out;
  bool has_run_id = false;
  try {
    if (!history_exists(conn, schema)) return out;
  } catch (...) {
    rethrow_db_error("reading " + std::string(kHistoryTable));
  }
  has_run_id = history_has_run_id_column(conn, schema);
  const std::string applied_at = conn.dialect() == Dialect::Postgres
                                     ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                                     : "applied_at";
  // Every column as text: SQLite reports no declared type for expressions,
  // so typed reads through soci::row would depend on the storage class.
  BoundQuery query(conn.session(),
                   "SELECT CAST(id AS TEXT), " + applied_at +
                       ", tool_version, config_checksum, sql_checksum, CAST(statement_count AS TEXT),"
                       " CAST(duration_ms AS TEXT), source, dialect, " + (has_run_id ? "run_id" : "NULL") + " FROM " +
                       history_table(conn.dialect(), schema) + " ORDER BY id");
  for (const TextRow& row : query.rows("reading " + std::string(kHistoryTable))) {
    auto text = [&](std::size_t i) { return row.at(i).value_or(""); };
    HistoryEntry entry;
    entry.id = std::stoll(text(0));
    entry.applied_at = text(1);
    entry.tool_version = text(2);
    entry.config_checksum = text(3);
    entry.sql_checksum = text(4);
    entry.statement_count = std::stoll(text(5));
    entry.duration_ms = std::stoll(text(6));
    entry.source = text(7);
    entry.dialect = text(8);
    entry.run_id = text(9);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace addrmig
