#include "lib/executor.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "lib/checksum.h"
#include "lib/errors.h"
#include "lib/history.h"
#include "lib/identifier.h"
#include "lib/interrupt.h"
#include "lib/saved_plan.h"
#include "lib/script.h"
#include "lib/sqlite_row_counter.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

std::vector<std::string> rebuilt_tables(const Plan& plan) {
  std::vector<std::string> out;
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps)
      if (const auto* rebuild = std::get_if<RebuildTable>(&step.change))
        out.push_back(rebuild->to.ref.name);
  return out;
}

// The last step of sqlite.org's rebuild procedure: with foreign keys off, the
// copy is unchecked, so prove no row now violates a constraint before COMMIT.
void check_foreign_keys(Connection& conn, const std::vector<std::string>& tables) {
  for (const std::string& table : tables) {
    int violations = 0;
    try {
      soci::rowset<soci::row> rows =
          (conn.session().prepare << "PRAGMA foreign_key_check(" + quote_ident(table) + ")");
      for (auto it = rows.begin(); it != rows.end(); ++it) ++violations;
    } catch (...) {
      rethrow_db_error("checking foreign keys of " + table);
    }
    if (violations > 0)
      throw DbError("foreign key check failed after rebuilding " + table + ": " +
                    std::to_string(violations) + " rows violate a foreign key; rolled back");
  }
}

// The stage reported last is over (the CLI erases its line).
void report_finished(const ProgressFn& progress) {
  if (progress) progress(Progress{Progress::Stage::Finished, 0, 0, {}, -1});
}

void run_statements(Connection& conn, const std::vector<Statement>& statements,
                    const ProgressFn& progress) {
  const std::size_t total = statements.size();
  std::size_t current = 0;
  auto report = [&](std::int64_t rows) {
    if (progress)
      progress(Progress{Progress::Stage::Applying, current, total, statements[current].comment, rows});
  };
  // Only counted when someone listens: the hook costs a call per row.
  std::optional<SqliteRowCounter> rows;
  if (progress && conn.dialect() == Dialect::Sqlite) rows.emplace(conn.session(), report);
  for (; current < total; ++current) {
    const Statement& statement = statements[current];
    throw_if_interrupted();
    if (rows) rows->reset();
    report(-1);
    spdlog::debug("[{}/{}] {}", current + 1, total, statement.comment);
    conn.execute(statement.sql, "statement " + std::to_string(current + 1) + "/" +
                                    std::to_string(total) +
                                    (statement.comment.empty() ? "" : " (" + statement.comment + ")"));
  }
}

// How often to try reaching the server again after losing it during COMMIT
// (it may be restarting).
constexpr int kReconnectAttempts = 3;

// Asks a new connection whether the apply with `run_id` committed, once the
// migration lock is free (the old transaction has ended either way).
// Throws CommitUnknown when the server cannot tell.
bool committed_on_server(const Connection& lost, const std::string& run_id, const std::string& what,
                         std::chrono::milliseconds lock_timeout) {
  const std::string unknown = what + "; outcome unknown: check `addrmig history` for run " + run_id;
  for (int attempt = 1;; ++attempt) {
    try {
      Connection conn = Connection::open(lost.url(), OpenMode::ReadWrite, lock_timeout);
      MigrationTransaction lock(conn, lock_timeout, /*foreign_keys_off=*/false);
      return history_has_run(conn, run_id);
    } catch (const ConnectError& e) {
      spdlog::debug("reconnecting after the lost COMMIT (attempt {}): {}", attempt, e.what());
      if (attempt == kReconnectAttempts) throw CommitUnknown(unknown + " (cannot reach the server: " + e.what() + ")");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (const LockTimeout&) {
      throw CommitUnknown(unknown + " (the transaction still holds the migration lock on the server)");
    } catch (const Interrupted&) {
      throw CommitUnknown(unknown + " (interrupted while asking the server)");
    } catch (const DbError& e) {
      throw CommitUnknown(unknown + " (" + e.what() + ")");
    }
  }
}

// COMMIT with the connection lost in flight: reconnect and tell the truth.
void commit_or_resolve(Connection& conn, MigrationTransaction& transaction, const std::string& run_id,
                       std::chrono::milliseconds lock_timeout) {
  try {
    transaction.commit();
  } catch (const CommitUnknown& e) {
    if (!committed_on_server(conn, run_id, e.what(), lock_timeout))
      throw DbError(std::string(e.what()) + "; reconnected: run " + run_id +
                    " is not in addrmig_history, the migration was not applied");
    spdlog::warn("{}; reconnected: run {} is in addrmig_history, the migration is committed", e.what(), run_id);
  }
}

// Every failure says whether anything was applied: nothing, since the
// transaction rolled back before this runs. Call in a catch block.
[[noreturn]] void rethrow_nothing_applied() {
  const std::string nothing = "; rolled back: nothing was applied";
  try {
    throw;
  } catch (const Interrupted& e) {
    throw Interrupted(e.signal(), "interrupted by " + signal_name(e.signal()) + " while applying" + nothing);
  } catch (const LockTimeout& e) {
    throw LockTimeout(std::string(e.what()) + "; nothing was applied");
  } catch (const PlanChanged&) {
    throw;  // says so itself
  } catch (const CommitUnknown&) {
    throw;
  } catch (const DbError& e) {
    if (std::string(e.what()).find("was not applied") != std::string::npos) throw;
    throw DbError(e.what() + nothing, e.sqlstate());
  }
}

// Runs the planned statements inside `transaction`, checks, records history
// and commits.
void execute_and_record(Connection& conn, const Config& config, MigrationTransaction& transaction,
                        ApplyResult& result, const std::string& source, const ApplyOptions& options,
                        std::chrono::steady_clock::time_point started) {
  const ProgressFn& progress = options.progress;
  run_statements(conn, result.planned.statements, progress);
  report_finished(progress);
  if (conn.dialect() == Dialect::Sqlite) check_foreign_keys(conn, rebuilt_tables(result.planned.plan));
  result.sql_checksum = sha256_hex(saved_plan_body(result.planned, conn.dialect()));
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  HistoryEntry entry;
  entry.applied_at = utc_now_iso8601();
  entry.tool_version = ADDRMIG_VERSION;
  entry.config_checksum = config.checksum;
  entry.sql_checksum = result.sql_checksum;
  entry.statement_count = static_cast<std::int64_t>(result.planned.statements.size());
  entry.duration_ms = result.duration_ms;
  entry.source = source;
  entry.dialect = std::string(dialect_name(conn.dialect()));
  entry.run_id = new_run_id();
  record_history(conn, *make_renderer(conn.dialect()), entry);
  commit_or_resolve(conn, transaction, entry.run_id, options.lock_timeout);
  result.applied = true;
  result.run_id = entry.run_id;
}

std::string describe_changes(const std::vector<TableFingerprint>& saved,
                             const std::vector<TableFingerprint>& now) {
  std::string out;
  for (std::size_t i = 0; i < saved.size(); ++i) {
    if (saved[i].digest == now[i].digest) continue;
    const std::string what = saved[i].digest == "absent" ? "now exists"
                             : now[i].digest == "absent" ? "was dropped"
                                                         : "changed";
    out += (out.empty() ? "" : ", ") + saved[i].table.display() + " " + what;
  }
  return out;
}

ApplyResult apply_saved_plan_locked(Connection& conn, const Config& config, const SavedPlan& saved,
                                    const ApplyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  MigrationTransaction transaction(conn, options.lock_timeout);
  ApplyResult result;
  result.planned = plan_migration(conn, config, options.progress);
  report_finished(options.progress);
  std::vector<TableRef> tables;
  for (const TableFingerprint& t : saved.tables) tables.push_back(t.table);
  const std::string changed = describe_changes(saved.tables, fingerprint_tables(result.planned.catalog, tables));
  if (!changed.empty())
    throw PlanChanged("the database changed since " + saved.path + " was saved (" + changed +
                      "); nothing was applied: review a new plan");
  if (sha256_hex(saved_plan_body(result.planned, conn.dialect())) != saved.body_checksum)
    throw PlanChanged("the config or addrmig version no longer produces the SQL in " + saved.path +
                      "; nothing was applied: review a new plan");
  if (result.planned.plan.blocked() || result.planned.statements.empty()) return result;
  execute_and_record(conn, config, transaction, result, "file:" + saved.path, options, started);
  return result;
}

}  // namespace

ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options) {
  try {
    const auto started = std::chrono::steady_clock::now();
    MigrationTransaction transaction(conn, options.lock_timeout);
    ApplyResult result;
    result.planned = plan_migration(conn, config, options.progress);
    report_finished(options.progress);
    if (result.planned.plan.blocked() || result.planned.statements.empty()) return result;  // rolls back
    execute_and_record(conn, config, transaction, result, "config", options, started);
    return result;
  } catch (const Error&) {
    rethrow_nothing_applied();
  }
}

ApplyResult apply_saved_plan(Connection& conn, const Config& config, const SavedPlan& saved,
                             const ApplyOptions& options) {
  if (saved.dialect != dialect_name(conn.dialect()))
    throw Error(saved.path + ": the plan was saved for " + saved.dialect + ", not " +
                std::string(dialect_name(conn.dialect())));
  try {
    return apply_saved_plan_locked(conn, config, saved, options);
  } catch (const Error&) {
    rethrow_nothing_applied();
  }
}

}  // namespace addrmig

namespace addrmig {

Connection open_for_saved_plan(const DatabaseUrl& url, const SavedPlan& saved,
                               std::chrono::milliseconds lock_timeout) {
  const bool read_existing = std::any_of(saved.tables.begin(), saved.tables.end(),
                                         [](const TableFingerprint& t) { return t.digest != "absent"; });
  try {
    return Connection::open(url, read_existing ? OpenMode::ReadWriteExisting : OpenMode::ReadWrite, lock_timeout);
  } catch (const DatabaseMissing& e) {
    throw PlanChanged(std::string(e.what()) + " any more, but " + saved.path +
                      " was planned from it; nothing was applied, nothing was created");
  }
}

}  // namespace addrmig
