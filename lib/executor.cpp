#include "lib/executor.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "lib/checksum.h"
#include "lib/errors.h"
#include "lib/history.h"
#include "lib/saved_plan.h"
#include "lib/script.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

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
  std::unique_ptr<RowCounter> rows;
  if (progress) rows = dialect_of(conn.dialect()).count_rows(conn.session(), report);
  for (; current < total; ++current) {
    const Statement& statement = statements[current];
    if (rows) rows->reset();
    report(-1);
    spdlog::debug("[{}/{}] {}", current + 1, total, statement.comment);
    conn.execute(statement.sql, "statement " + std::to_string(current + 1) + "/" +
                                    std::to_string(total) +
                                    (statement.comment.empty() ? "" : " (" + statement.comment + ")"));
  }
}

HistoryEntry history_entry(const Config& config, Connection& conn, const std::vector<Statement>& statements,
                           std::string sql_checksum, std::string source, std::int64_t duration_ms) {
  HistoryEntry entry;
  entry.applied_at = utc_now_iso8601();
  entry.tool_version = ADDRMIG_VERSION;
  entry.config_checksum = config.checksum;
  entry.sql_checksum = std::move(sql_checksum);
  entry.statement_count = static_cast<std::int64_t>(statements.size());
  entry.duration_ms = duration_ms;
  entry.source = std::move(source);
  entry.dialect = std::string(dialect_name(conn.dialect()));
  return entry;
}

std::int64_t ms_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
      .count();
}

// The after_commit statements (PostgreSQL VALIDATE CONSTRAINT), once the
// migration has committed, each in a transaction of its own under the
// migration lock and the same lock timeout, recorded in history as source
// "<source> (validate)". Each constraint is already in place NOT VALID and
// checks new rows, so a failure loses nothing: the next apply plans just the
// validations still missing.
void validate_after_commit(Connection& conn, const Config& config, const std::vector<Statement>& statements,
                           const std::string& source, const ApplyOptions& options) {
  const std::string committed = "the migration was committed; then ";
  const std::string after =
      "; the constraint stays NOT VALID (it already checks new rows): run apply again to validate it";
  for (const Statement& statement : statements) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<Statement> one{statement};
    try {
      MigrationTransaction transaction(conn, options.lock_timeout);
      run_statements(conn, one, options.progress);
      report_finished(options.progress);
      record_history(conn,
                     history_entry(config, conn, one, sha256_hex(render_statements(one)),
                                   source + " (validate)", ms_since(started)),
                     history_schema_for(conn, config));
      transaction.commit();
    } catch (const LockTimeout& e) {
      throw LockTimeout(committed + e.what() + after);
    } catch (const DbError& e) {
      throw DbError(committed + e.what() + after, e.sqlstate());
    }
  }
}

// Runs the planned statements inside `transaction`, checks, records history
// and commits; then the statements that run after the commit.
void execute_and_record(Connection& conn, const Config& config, MigrationTransaction& transaction,
                        ApplyResult& result, const std::string& source, const ApplyOptions& options,
                        std::chrono::steady_clock::time_point started) {
  const auto [in_transaction, after_commit] = split_after_commit(result.planned.statements());
  result.sql_checksum = sha256_hex(saved_plan_body(result.planned, conn.dialect()));
  if (!in_transaction.empty()) {
    run_statements(conn, in_transaction, options.progress);
    report_finished(options.progress);
    dialect_of(conn.dialect()).check_before_commit(conn, result.planned.plan);
    result.duration_ms = ms_since(started);
    record_history(conn,
                   history_entry(config, conn, in_transaction, result.sql_checksum, source,
                                 result.duration_ms),
                   history_schema_for(conn, config));
  }
  transaction.commit();
  result.applied = true;
  if (!after_commit.empty()) validate_after_commit(conn, config, after_commit, source, options);
  result.duration_ms = ms_since(started);
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

// Why the re-plan no longer yields the saved SQL although every table kept
// its fingerprint: a blocker the data now causes (orphans, NULLs), the config,
// the addrmig version, or else the data facts behind the plan.
std::string why_plan_differs(const SavedPlan& saved, const Config& config,
                             const PlannedMigration& now) {
  const std::vector<const Finding*> blockers = now.plan.blockers();
  if (!blockers.empty()) {
    std::string out = "the database changed since " + saved.path + " was saved: the plan is now blocked: ";
    for (std::size_t i = 0; i < blockers.size(); ++i) out += (i ? "; " : "") + blockers[i]->message;
    return out;
  }
  if (saved.config_checksum != config.checksum)
    return "the config changed since " + saved.path + " was saved, so it no longer produces its SQL";
  if (saved.version != ADDRMIG_VERSION)
    return saved.path + " was saved by addrmig " + saved.version + "; this addrmig " ADDRMIG_VERSION
           " no longer produces its SQL";
  return "the data changed since " + saved.path + " was saved: the plan now has " +
         std::to_string(now.statement_count()) + " statements and differs from the saved SQL";
}

}  // namespace

ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  MigrationTransaction transaction(conn, options.lock_timeout);
  ApplyResult result;
  result.planned = plan_migration(conn, config, options.progress);
  report_finished(options.progress);
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return result;  // rolls back
  execute_and_record(conn, config, transaction, result, "config", options, started);
  return result;
}

ApplyResult apply_saved_plan(Connection& conn, const Config& config, const SavedPlan& saved,
                             const ApplyOptions& options) {
  if (saved.dialect != dialect_name(conn.dialect()))
    throw Error(saved.path + ": the plan was saved for " + saved.dialect + ", not " +
                std::string(dialect_name(conn.dialect())));
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
    throw PlanChanged(why_plan_differs(saved, config, result.planned) +
                      "; nothing was applied: review a new plan");
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return result;
  execute_and_record(conn, config, transaction, result, "file:" + saved.path, options, started);
  return result;
}

}  // namespace addrmig
