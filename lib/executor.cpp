#include "lib/executor.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "lib/checksum.h"
#include "lib/errors.h"
#include "lib/history.h"
#include "lib/saved_plan.h"
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

// Runs the planned statements inside `transaction`, checks, records history
// and commits.
void execute_and_record(Connection& conn, const Config& config, MigrationTransaction& transaction,
                        ApplyResult& result, const std::string& source, const ProgressFn& progress,
                        std::chrono::steady_clock::time_point started) {
  const std::vector<Statement> statements = result.planned.statements();
  run_statements(conn, statements, progress);
  report_finished(progress);
  dialect_of(conn.dialect()).check_before_commit(conn, result.planned.plan);
  result.sql_checksum = sha256_hex(saved_plan_body(result.planned, conn.dialect()));
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  HistoryEntry entry;
  entry.applied_at = utc_now_iso8601();
  entry.tool_version = ADDRMIG_VERSION;
  entry.config_checksum = config.checksum;
  entry.sql_checksum = result.sql_checksum;
  entry.statement_count = static_cast<std::int64_t>(statements.size());
  entry.duration_ms = result.duration_ms;
  entry.source = source;
  entry.dialect = std::string(dialect_name(conn.dialect()));
  record_history(conn, entry);
  transaction.commit();
  result.applied = true;
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

}  // namespace

ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  MigrationTransaction transaction(conn, options.lock_timeout);
  ApplyResult result;
  result.planned = plan_migration(conn, config, options.progress);
  report_finished(options.progress);
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return result;  // rolls back
  execute_and_record(conn, config, transaction, result, "config", options.progress, started);
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
    throw PlanChanged("the config or addrmig version no longer produces the SQL in " + saved.path +
                      "; nothing was applied: review a new plan");
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return result;
  execute_and_record(conn, config, transaction, result, "file:" + saved.path, options.progress,
                     started);
  return result;
}

}  // namespace addrmig
