#include "lib/executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "lib/batches.h"
#include "lib/checksum.h"
#include "lib/commit_outcome.h"
#include "lib/errors.h"
#include "lib/history.h"
#include "lib/interrupt.h"
#include "lib/saved_plan.h"
#include "lib/saved_plan_drift.h"
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
    throw_if_interrupted();
    if (rows) rows->reset();
    report(-1);
    spdlog::debug("[{}/{}] {}", current + 1, total, statement.comment);
    conn.execute(statement.sql, "statement " + std::to_string(current + 1) + "/" +
                                    std::to_string(total) +
                                    (statement.comment.empty() ? "" : " (" + statement.comment + ")"));
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

HistoryEntry history_entry(const Config& config, Connection& conn, const std::vector<Statement>& statements,
                           std::string sql_checksum, std::string source, std::int64_t duration_ms,
                           std::string run_id) {
  HistoryEntry entry;
  entry.applied_at = utc_now_iso8601();
  entry.tool_version = ADDRMIG_VERSION;
  entry.config_checksum = config.checksum;
  entry.sql_checksum = std::move(sql_checksum);
  entry.statement_count = static_cast<std::int64_t>(statements.size());
  entry.duration_ms = duration_ms;
  entry.source = std::move(source);
  entry.dialect = std::string(dialect_name(conn.dialect()));
  entry.run_id = std::move(run_id);
  return entry;
}

std::int64_t ms_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
      .count();
}

// What runs once the migration has committed (validate_after_commit).
struct AfterCommit {
  std::vector<Statement> statements;
  std::string source;          // of the migration's history row
  std::string history_schema;  // where it was recorded
};

// Runs the planned statements inside `transaction` (except the ones that run
// after the commit: returned), checks, records history with a new run id and
// commits; a COMMIT whose connection is lost is resolved by looking that run
// id up.
AfterCommit execute_and_record(Connection& conn, const Config& config, MigrationTransaction& transaction,
                        ApplyResult& result, const std::string& source, const ApplyOptions& options,
                        std::chrono::steady_clock::time_point started) {
  auto [in_transaction, after_commit] = split_after_commit(result.planned.statements());
  AfterCommit after{std::move(after_commit), source, history_schema_for(conn, config)};
  result.sql_checksum = sha256_hex(saved_plan_body(result.planned, conn.dialect()));
  if (in_transaction.empty()) {
    // Only validations are left to do: this transaction wrote nothing.
    try {
      transaction.commit();
    } catch (const CommitUnknown& e) {
      throw DbError(std::string(e.what()) + "; nothing had been written");
    }
    return after;
  }
  run_statements(conn, in_transaction, options.progress);
  report_finished(options.progress);
  dialect_of(conn.dialect()).check_before_commit(conn, result.planned.plan);
  result.duration_ms = ms_since(started);
  result.run_id = new_run_id();
  record_history(conn,
                 history_entry(config, conn, in_transaction, result.sql_checksum, source, result.duration_ms,
                               result.run_id),
                 after.history_schema);
  commit_or_resolve(conn, transaction, result.run_id, after.history_schema, options.lock_timeout,
                    "the migration");
  result.applied = true;
  if (options.on_commit) options.on_commit(in_transaction.size());
  return after;
}

// The after_commit statements (PostgreSQL VALIDATE CONSTRAINT), once the
// migration has committed, each in a transaction of its own under the
// migration lock and the migration's own timeouts (MigrationTransaction),
// recorded in history as source "<source> (validate)" with a run id of its
// own ("<run id>.<n>": a lost COMMIT of a validation is looked up like the
// migration's). Each constraint is already in place NOT VALID and checks new
// rows, so a failure loses nothing: the next apply plans just the validations
// still missing.
// Which after-commit statements a re-plan still has, run under the
// migration lock: a concurrent apply may have validated a constraint since
// this one planned. (VALIDATE of a valid constraint does nothing, but would
// be reported and recorded as applied once more.) A blocked re-plan keeps
// them all: running them says what is wrong.
std::vector<bool> still_pending(Connection& conn, const Config& config, const std::vector<Statement>& statements) {
  const PlannedMigration now = plan_migration(conn, config);
  std::set<std::string> pending;
  for (const Statement& statement : now.statements()) pending.insert(statement.sql);
  std::vector<bool> out;
  for (const Statement& statement : statements)
    out.push_back(now.plan.blocked() || pending.count(statement.sql) > 0);
  return out;
}

void validate_after_commit(Connection& conn, const Config& config, const AfterCommit& after_commit,
                           ApplyResult& result, const ApplyOptions& options) {
  const std::string committed = result.applied ? "the migration was committed; then " : "";
  const std::string after =
      "; the constraint stays NOT VALID (it already checks new rows): run apply again to validate it";
  // Validations only (the migration transaction had nothing else to do):
  // the apply's run id is new here.
  const bool fresh_run_id = result.run_id.empty() && !after_commit.statements.empty();
  if (fresh_run_id) result.run_id = new_run_id();
  const std::string run_base = result.run_id;
  std::vector<bool> keep;  // filled under the first validation's lock
  // A COMMIT whose lost outcome was looked up on another connection leaves
  // this one dead: say so instead of failing on it as if starting failed.
  if (!after_commit.statements.empty() && !conn.connection_ok())
    throw DbError(committed + "the connection was lost during its COMMIT, so the validation did not run" +
                      after,
                  "08006");
  for (std::size_t n = 0; n < after_commit.statements.size(); ++n) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<Statement> one{after_commit.statements[n]};
    const std::string run_id = run_base + "." + std::to_string(n + 1);
    try {
      MigrationTransaction transaction(conn, options.lock_timeout);
      if (keep.empty()) keep = still_pending(conn, config, after_commit.statements);
      if (!keep[n]) {
        spdlog::info("{}: done meanwhile by another apply", one.front().comment);
        continue;  // rolls back: nothing was written
      }
      run_statements(conn, one, options.progress);
      report_finished(options.progress);
      record_history(conn,
                     history_entry(config, conn, one, sha256_hex(render_statements(one)),
                                   after_commit.source + " (validate)", ms_since(started), run_id),
                     after_commit.history_schema);
      commit_or_resolve(conn, transaction, run_id, after_commit.history_schema, options.lock_timeout,
                        "the validation");
      if (options.on_commit) options.on_commit(1);
    } catch (const Interrupted& e) {
      throw Interrupted(e.signal(), committed + "interrupted by " + signal_name(e.signal()) +
                                        " while validating: rolled back" + after);
    } catch (const CommitUnknown& e) {
      throw CommitUnknown(committed + e.what() + "; if it did not commit, the constraint stays NOT VALID: "
                                                 "run apply again to validate it");
    } catch (const LockTimeout& e) {
      throw LockTimeout(committed + e.what() + after);
    } catch (const DbError& e) {
      throw DbError(committed + e.what() + after, e.sqlstate());
    }
    result.applied = true;
  }
  if (fresh_run_id && !result.applied) result.run_id.clear();  // another apply did it all
}




AfterCommit apply_saved_plan_locked(Connection& conn, const Config& config, const SavedPlan& saved,
                                    const ApplyOptions& options, std::chrono::steady_clock::time_point started,
                                    ApplyResult& result) {
  MigrationTransaction transaction(conn, options.lock_timeout);
  result.planned = plan_migration(conn, config, options.progress);
  report_finished(options.progress);
  std::vector<TableRef> tables;
  for (const TableFingerprint& t : saved.tables) tables.push_back(t.table);
  const std::string changed = describe_changes(saved.tables, fingerprint_tables(result.planned.catalog, tables));
  const bool same_sql = sha256_hex(saved_plan_body(result.planned, conn.dialect())) == saved.body_checksum;
  if (!changed.empty() || !same_sql) {
    // Applying a reviewed plan twice (a re-run CI job) finds its own work.
    if (const std::optional<HistoryEntry> earlier = earlier_apply(conn, config, saved)) {
      const std::string when = saved.path + " was applied already, at " + earlier->applied_at +
                               (earlier->run_id.empty() ? "" : " (run id " + earlier->run_id + ")");
      if (!result.planned.plan.blocked() && result.planned.statement_count() == 0) {
        spdlog::warn("{}; nothing to do", when);
        return {};
      }
      // Only its own validations are left (they failed, or a concurrent
      // apply of it has not run them yet): finish them.
      if (!result.planned.plan.blocked() && only_validations_of(result.planned, saved)) {
        spdlog::warn("{}; running its validations, which are still to do", when);
        return execute_and_record(conn, config, transaction, result, "file:" + saved.path, options, started);
      }
      throw PlanChanged(when + ", and the database changed since (" +
                        (changed.empty() ? std::string("its data") : changed) +
                        "); nothing was applied: review a new plan");
    }
  }
  if (!changed.empty())
    throw PlanChanged("the database changed since " + saved.path + " was saved (" + changed +
                      "); nothing was applied: review a new plan");
  if (!same_sql)
    throw PlanChanged(why_plan_differs(saved, config, result.planned) +
                      "; nothing was applied: review a new plan");
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return {};
  return execute_and_record(conn, config, transaction, result, "file:" + saved.path, options, started);
}

void refuse_incomplete_seeds(const Plan& plan) {
  for (const ParentPlan& parent : plan.parents)
    for (const Finding& finding : parent.findings)
      if (finding.kind == FindingKind::SeedIncomplete)
        throw Error("run: " + finding.message + "; nothing was applied");
}

// Under the lock: plan everything, then apply all of it, or with a batch
// size the first batch of what is pending, as batch `number` (`first`, when
// given, keeps the whole plan).
AfterCommit apply_locked(Connection& conn, const Config& config, const ApplyOptions& options,
                         std::chrono::steady_clock::time_point started, ApplyResult& result,
                         std::size_t number = 0, PlannedMigration* first = nullptr) {
  MigrationTransaction transaction(conn, options.lock_timeout);
  result.planned = plan_migration(conn, config, options.progress, options.batch_size);
  report_finished(options.progress);
  if (first) *first = result.planned;
  if (options.seeds_must_insert) refuse_incomplete_seeds(result.planned.plan);
  if (result.planned.plan.blocked() || result.planned.statement_count() == 0) return {};  // rolls back
  std::string source = "config";
  if (options.batch_size > 0) {
    // Earlier batches are no longer pending: this plan counts only the rest.
    const std::size_t batches = number - 1 + result.planned.plan.batching.batches;
    source += " (batch " + std::to_string(number) + " of " + std::to_string(batches) + ")";
    result.planned.plan = batch_plan(result.planned.plan, plan_batches(result.planned.plan, options.batch_size).front());
  }
  return execute_and_record(conn, config, transaction, result, source, options, started);
}

// The error in flight, its type kept, with what the earlier batches committed.
[[noreturn]] void rethrow_after_batches(std::size_t committed, const std::string& run_id) {
  const std::string batch = "batch " + std::to_string(committed + 1);
  const std::string suffix = "; batches 1-" + std::to_string(committed) + " were committed (last run id " + run_id +
                             "): apply again to apply the rest";
  try {
    rethrow_nothing_applied();
  } catch (const Error&) {
    rethrow_reworded([&](const char* what) {
      std::string text = batch + ": " + what;
      const std::string nothing = "nothing was applied";
      if (const auto at = text.find(nothing); at != std::string::npos)
        text.replace(at, nothing.size(), "nothing of " + batch + " was applied");
      return text + suffix;
    });
  }
}

// Each batch takes the lock, re-plans everything and applies the first
// `batch_size` pending parents with a history row of its own. What an
// interrupted run committed stays; the next run's plan no longer has it, so
// running again applies the rest. The result holds the first plan (all that
// was pending) and the last batch's run id.
ApplyResult apply_in_batches(Connection& conn, const Config& config, const ApplyOptions& options) {
  const auto started_all = std::chrono::steady_clock::now();
  ApplyResult total;
  for (std::size_t number = 1;; ++number) {
    const auto started = std::chrono::steady_clock::now();
    ApplyResult batch;
    AfterCommit after;
    PlannedMigration first;
    try {
      after = apply_locked(conn, config, options, started, batch, number, number == 1 ? &first : nullptr);
    } catch (const Error&) {
      if (number == 1) rethrow_nothing_applied();
      rethrow_after_batches(number - 1, total.run_id);
    }
    if (number == 1) total.planned = std::move(first);
    validate_after_commit(conn, config, after, batch, options);
    if (!batch.applied) break;
    total.applied = true;
    total.batches += 1;
    total.sql_checksum = batch.sql_checksum;
    total.run_id = batch.run_id;
    spdlog::info("batch {} committed ({} statements)", number, batch.planned.statement_count());
    throw_if_interrupted("batches 1-" + std::to_string(number) + " were committed (last run id " + total.run_id +
                         "): apply again to apply what remains");
  }
  if (total.applied) total.duration_ms = ms_since(started_all);
  return total;
}

}  // namespace

// The migration's transaction, whose failures all end in "nothing was
// applied"; then, after its commit, the validations (whose failures say the
// migration was committed).
ApplyResult apply_migration(Connection& conn, const Config& config, const ApplyOptions& options) {
  if (options.batch_size > 0) return apply_in_batches(conn, config, options);
  const auto started = std::chrono::steady_clock::now();
  ApplyResult result;
  AfterCommit after;
  try {
    after = apply_locked(conn, config, options, started, result);
  } catch (const Error&) {
    rethrow_nothing_applied();
  }
  validate_after_commit(conn, config, after, result, options);
  if (result.applied) {
    result.duration_ms = ms_since(started);
    result.batches = 1;
  }
  return result;
}

ApplyResult apply_saved_plan(Connection& conn, const Config& config, const SavedPlan& saved,
                             const ApplyOptions& options) {
  if (saved.dialect != dialect_name(conn.dialect()))
    throw Error(saved.path + ": the plan was saved for " + saved.dialect + ", not " +
                std::string(dialect_name(conn.dialect())));
  const auto started = std::chrono::steady_clock::now();
  ApplyResult result;
  AfterCommit after;
  try {
    after = apply_saved_plan_locked(conn, config, saved, options, started, result);
  } catch (const Error&) {
    rethrow_nothing_applied();
  }
  validate_after_commit(conn, config, after, result, options);
  if (result.applied) result.duration_ms = ms_since(started);
  return result;
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
