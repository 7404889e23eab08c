#include "lib/history.h"

#include <soci/soci.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "lib/bound_query.h"
#include "lib/identifier.h"

namespace addrmig {
namespace {

std::string history_table(Dialect dialect) {
  return dialect == Dialect::Postgres ? quote_ident("public") + "." + quote_ident(kHistoryTable)
                                      : quote_ident(kHistoryTable);
}

bool history_exists(Connection& conn) {
  int found = 0;
  const std::string name = kHistoryTable;
  if (conn.dialect() == Dialect::Sqlite) {
    conn.session() << "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = :name",
        soci::use(name), soci::into(found);
  } else {
    const std::string qualified = "public." + name;
    conn.session() << "SELECT CASE WHEN to_regclass(:name) IS NULL THEN 0 ELSE 1 END",
        soci::use(qualified), soci::into(found);
  }
  return found > 0;
}

bool history_has_run_id_column(Connection& conn) {
  int found = 0;
  try {
    if (conn.dialect() == Dialect::Sqlite) {
      conn.session() << "SELECT count(*) FROM pragma_table_info('addrmig_history') WHERE name = 'run_id'",
          soci::into(found);
    } else {
      conn.session() << "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('public.addrmig_history')"
                        " AND attname = 'run_id' AND NOT attisdropped",
          soci::into(found);
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

bool history_has_run(Connection& conn, const std::string& run_id) {
  try {
    if (!history_exists(conn) || !history_has_run_id_column(conn)) return false;
    int found = 0;
    conn.session() << "SELECT count(*) FROM " + history_table(conn.dialect()) + " WHERE run_id = :run_id",
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

void record_history(Connection& conn, const Renderer& renderer, const HistoryEntry& entry) {
  conn.execute(renderer.create_history_table(), "creating " + std::string(kHistoryTable));
  if (!history_has_run_id_column(conn))
    conn.execute(renderer.add_history_run_id(), "adding run_id to " + std::string(kHistoryTable));
  const std::string cast = conn.dialect() == Dialect::Postgres ? "CAST(:applied_at AS timestamptz)"
                                                               : ":applied_at";
  long long statements = entry.statement_count;
  long long duration = entry.duration_ms;
  try {
    conn.session() << "INSERT INTO " + history_table(conn.dialect()) +
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

std::vector<HistoryEntry> read_history(Connection& conn) {
  std::vector<HistoryEntry> out;
  bool has_run_id = false;
  try {
    if (!history_exists(conn)) return out;
  } catch (...) {
    rethrow_db_error("reading " + std::string(kHistoryTable));
  }
  has_run_id = history_has_run_id_column(conn);
  const std::string applied_at = conn.dialect() == Dialect::Postgres
                                     ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                                     : "applied_at";
  // Every column as text: SQLite reports no declared type for expressions,
  // so typed reads through soci::row would depend on the storage class.
  BoundQuery query(conn.session(),
                   "SELECT CAST(id AS TEXT), " + applied_at +
                       ", tool_version, config_checksum, sql_checksum, CAST(statement_count AS TEXT),"
                       " CAST(duration_ms AS TEXT), source, dialect, " + (has_run_id ? "run_id" : "NULL") + " FROM " +
                       history_table(conn.dialect()) + " ORDER BY id");
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
