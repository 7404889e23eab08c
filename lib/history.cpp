#include "lib/history.h"

#include <soci/soci.h>

#include <ctime>

#include "lib/bound_query.h"

namespace addrmig {
namespace {

bool history_exists(Connection& conn, const HistorySql& sql) {
  int found = 0;
  conn.session() << sql.exists_query, soci::use(sql.exists_name), soci::into(found);
  return found > 0;
}

}  // namespace

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
  conn.execute(sql.create_table, "creating " + std::string(kHistoryTable));
  long long statements = entry.statement_count;
  long long duration = entry.duration_ms;
  try {
    conn.session() << "INSERT INTO " + sql.table +
                          " (applied_at, tool_version, config_checksum, sql_checksum,"
                          " statement_count, duration_ms, source, dialect) VALUES (" +
                          sql.applied_at_value +
                          ", :tool_version, :config_checksum, :sql_checksum, :statement_count,"
                          " :duration_ms, :source, :dialect)",
        soci::use(entry.applied_at), soci::use(entry.tool_version),
        soci::use(entry.config_checksum), soci::use(entry.sql_checksum), soci::use(statements),
        soci::use(duration), soci::use(entry.source), soci::use(entry.dialect);
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
  // Every column as text: SQLite reports no declared type for expressions,
  // so typed reads through soci::row would depend on the storage class.
  BoundQuery query(conn.session(),
                   "SELECT CAST(id AS TEXT), " + sql.applied_at_text +
                       ", tool_version, config_checksum, sql_checksum, CAST(statement_count AS TEXT),"
                       " CAST(duration_ms AS TEXT), source, dialect FROM " +
                       sql.table + " ORDER BY id");
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
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace addrmig
