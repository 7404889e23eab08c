#pragma once
// addrmig_history: one row per applied plan. An apply that found nothing to
// do records nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/connection.h"
#include "lib/dialect.h"

namespace addrmig {

struct HistoryEntry {
  std::int64_t id = 0;
  std::string applied_at;  // ISO 8601, UTC
  std::string tool_version;
  std::string config_checksum;
  std::string sql_checksum;
  std::int64_t statement_count = 0;
  std::int64_t duration_ms = 0;
  std::string source;  // "config" | "file:<name>"
  std::string dialect;
  // Unique per apply, written inside the apply's transaction: when the
  // connection is lost during COMMIT, looking it up tells whether it committed.
  // Empty in rows written by an addrmig older than the column.
  std::string run_id;
};

inline constexpr const char* kHistoryTable = "addrmig_history";

// Where a dialect with schemas keeps the history: [history] schema, else the
// first parent's schema (a role that may create address tables there may
// create the history too; PostgreSQL 15 grants no CREATE on public), else the
// default schema. "" without schemas (SQLite).
std::string history_schema_for(const Config& config, const Capabilities& caps);
// The same, except that without [history] schema an existing history in the
// default schema (where addrmig kept it before) stays in use.
std::string history_schema_for(Connection& conn, const Config& config);

// Creates the table when absent (adds run_id to one made before that column)
// and inserts `entry` (bound values), inside the caller's transaction.
void record_history(Connection& conn, const HistoryEntry& entry, const std::string& schema);

// Every recorded entry, oldest first; empty when the table does not exist.
std::vector<HistoryEntry> read_history(Connection& conn, const std::string& schema);

// True when a row with `run_id` is in the history (false when the table does
// not exist).
bool history_has_run(Connection& conn, const std::string& schema, const std::string& run_id);

// 32 random hex digits.
std::string new_run_id();

// Now, as ISO 8601 UTC with seconds ("2026-11-25T23:10:10Z").
std::string utc_now_iso8601();

}  // namespace addrmig
