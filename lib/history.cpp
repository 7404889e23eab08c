#include "lib/history.h"

#include <soci/soci.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "lib/bound_query.h"

namespace addrmig {
namespace {

bool history_exists(Connection& conn, const HistorySql& sql) {
  int found = 0;
  conn.session() << sql.exists_query, soci::use(sql.exists_name), soci::into(found);
  return found > 0;
}

bool history_has_run_id_column(Connection& conn, const HistorySql& sql) {
  int found = 0;
  try {
    conn.session() << sql.run_id_column_query, soci::use(sql.exists_name), soci::into(found);
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
  const HistorySql sql = dialect_of(conn.dialect()).history(schema);
  try {
    if (!history_exists(conn, sql) || !history_has_run_id_column(conn, sql)) return false;
    int found = 0;
    conn.session() << "SELECT count(*) FROM " + sql.table + " WHERE run_id = :run_id", soci::use(run_id),
        soci::into(found);
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

std::string history_schema_for(const Config& config, const Capabilities& caps) {
  if (!caps.schemas) return {};
  if (!config.history_schema.empty()) return config.history_schema;
  if (!config.parents.empty() && !config.parents.front().schema.empty())
    return config.parents.front().schema;
  return caps.default_schema;
}

std::string history_schema_for(Connection& conn, const Config& config) {
  const DatabaseDialect& dialect = dialect_of(conn.dialect());
  const Capabilities& caps = dialect.capabilities();
  const std::string schema = history_schema_for(config, caps);
  if (!caps.schemas || !config.history_schema.empty() || schema == caps.default_schema)
    return schema;
  try {
    if (history_exists(conn, dialect.history(caps.default_schema)))
      return caps.default_schema;
  } catch (...) {
    rethrow_db_error("looking for " + caps.default_schema + "." + std::string(kHistoryTable));
  }
  return schema;
}

void record_history(Connection& conn, const HistoryEntry& entry, const std::string& schema) {
  const HistorySql sql = dialect_of(conn.dialect()).history(schema);
  // CREATE TABLE IF NOT EXISTS checks CREATE on the schema before it finds
  // the table: a role that may only INSERT into an existing history fails.
  bool exists = false;
  try {
    exists = history_exists(conn, sql);
  } catch (...) {
    rethrow_db_error("looking for " + std::string(kHistoryTable));
  }
  if (!exists) conn.execute(sql.create_table, "creating " + std::string(kHistoryTable));
  if (!history_has_run_id_column(conn, sql))
    conn.execute(sql.add_run_id, "adding run_id to " + std::string(kHistoryTable));
  long long statements = entry.statement_count;
  long long duration = entry.duration_ms;
  try {
    conn.session() << "INSERT INTO " + sql.table +
                          " (applied_at, tool_version, config_checksum, sql_checksum,"
                          " statement_count, duration_ms, source, dialect, run_id) VALUES (" +
                          sql.applied_at_value +
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
  const HistorySql sql = dialect_of(conn.dialect()).history(schema);
  try {
    if (!history_exists(conn, sql)) return out;
  } catch (...) {
    rethrow_db_error("reading " + std::string(kHistoryTable));
  }
  const bool has_run_id = history_has_run_id_column(conn, sql);
  // Every column as text: SQLite reports no declared type for expressions,
  // so typed reads through soci::row would depend on the storage class.
  BoundQuery query(conn.session(),
                   // Ordered by the table's id, not the text column of that name
                   // (PostgreSQL would sort 1, 10, 2).
                   "SELECT CAST(h.id AS TEXT), " + sql.applied_at_text +
                       ", tool_version, config_checksum, sql_checksum, CAST(statement_count AS TEXT),"
                       " CAST(duration_ms AS TEXT), source, dialect, " + (has_run_id ? "run_id" : "NULL") +
                       " FROM " + sql.table + " AS h ORDER BY h.id");
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
