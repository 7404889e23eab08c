#include "cmd/commands.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "cmd/junit.h"
#include "cmd/markdown_report.h"
#include "cmd/outcome.h"
#include "cmd/progress_line.h"
#include "cmd/replicas.h"
#include "cmd/report.h"
#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/executor.h"
#include "lib/history.h"
#include "lib/migration.h"
#include "lib/saved_plan.h"
#include "lib/seed.h"
#include "lib/transaction.h"
#include "lib/verify.h"

namespace addrmig::cli {
namespace {

std::chrono::milliseconds seconds(int value) { return std::chrono::milliseconds(1000LL * value); }

Connection open(const Context& ctx, OpenMode mode) {
  spdlog::debug("connecting to {}", ctx.url.redacted);
  return Connection::open(ctx.url, mode, seconds(ctx.lock_timeout_seconds));
}

// After apply committed, a later failure of `run` must still say so.
[[noreturn]] void rethrow_after_apply(const ApplyResult& applied) {
  const std::string suffix = applied.applied ? "; the migration itself was applied (run " + applied.run_id + ")"
                                             : std::string();
  rethrow_reworded([&](const char* what) { return what + suffix; });
}

// The line is erased when this returns, before the report is printed.
PlannedMigration read_plan(Connection& conn, const Context& ctx, std::size_t batch_size = 0) {
  TerminalProgress progress(ctx.global.quiet);
  return plan_read_only(conn, ctx.config, progress.fn(), batch_size);
}

// Markdown is for reviewers of a change: plan, apply, audit, verify, run.
void reject_markdown(const Context& ctx, const std::string& command) {
  if (ctx.global.format == Format::Markdown)
    throw UsageError("--format markdown is for plan, apply, audit, verify and run, not " + command +
                     "; use text or json");
}

void log_blockers(const Plan& plan) {
  for (const Finding* blocker : plan.blockers()) spdlog::error("blocked: {}", blocker->message);
  command_outcome().result = "blocked";
}

// For a fleet's summary: whether this apply committed, and how much.
void note_applied(const ApplyResult& result) {
  CommandOutcome& outcome = command_outcome();
  outcome.applied = outcome.applied || result.applied;
  if (!result.applied && !result.planned.plan.blocked()) outcome.result = "nothing to do";
}

// apply/run --replica: wait for the standbys; on a timeout, `doc` (JSON) is
// left for main() to print with the error.
std::vector<ReplicaCaughtUp> wait_or_report(const Context& ctx, Connection& conn, const ApplyCommandOptions& options,
                                            const Json* doc, bool committed) {
  if (!committed) return {};  // nothing to wait for
  try {
    return wait_for_standbys(ctx, conn, options);
  } catch (const ReplicaTimeout&) {
    if (doc) leave_json_for_error(*doc, "replica");
    throw;
  }
}

}  // namespace

Context load_context(const GlobalOptions& global) {
  Context ctx{global, load_config(global.config_path), {}};
  const int timeout = ctx.config.connect_timeout_seconds;
  auto url = choose_database_url(global.database, ctx.config.database_url);
  if (!url)
    throw UsageError("no database: pass --database URL, set ADDRMIG_DATABASE_URL, or set [database] url in " +
                     global.config_path);
  ctx.url = parse_database_url(*url, timeout);
  ctx.lock_timeout_seconds =
      global.lock_timeout_seconds.value_or(ctx.config.lock_timeout_seconds.value_or(kDefaultLockTimeoutSeconds));
  check_identifier_limits(ctx.config, ctx.url.dialect);
  return ctx;
}

int cmd_plan(const Context& ctx, const PlanOptions& options) {
  if (options.sql && ctx.global.format == Format::Markdown)
    throw UsageError("plan --sql prints the SQL script as text (or, with --format json, in the "
                     "document's \"script\" field); --format markdown shows the SQL per parent already");
  Connection conn = open(ctx, OpenMode::ReadOnly);
  const PlannedMigration planned = read_plan(conn, ctx, options.batch_size);
  if (!options.out_file.empty()) {
    std::ofstream file(options.out_file, std::ios::binary);
    file << write_saved_plan(planned, ctx.config, conn.dialect());
    if (!file) throw Error("cannot write plan to '" + options.out_file + "'");
  }
  if (ctx.global.format == Format::Json) {
    Json body = plan_json(planned.plan);
    // What `plan --sql` prints, in one field.
    if (options.sql) body["script"] = saved_plan_body(planned, conn.dialect());
    print_json(body, "plan");
  } else if (options.sql) {
    std::cout << saved_plan_body(planned, conn.dialect());
  } else if (ctx.global.format == Format::Markdown) {
    print_plan_markdown(std::cout, planned.plan, ctx.config);
  } else {
    print_plan(std::cout, planned.plan, true, use_color(STDOUT_FILENO));
  }
  if (planned.plan.blocked()) {
    log_blockers(planned.plan);
    return kError;
  }
  command_outcome().result = planned.plan.pending() ? "changes pending" : "up to date";
  if (options.check && planned.plan.pending()) return kDifferences;
  return kOk;
}

int cmd_apply(const Context& ctx, const ApplyCommandOptions& options) {
  TerminalProgress progress(ctx.global.quiet);
  const ApplyOptions apply_options{.lock_timeout = seconds(options.lock_timeout_seconds),
                                   .progress = progress.fn(),
                                   .batch_size = options.batch_size,
                                   .on_commit = note_commit};
  std::optional<SavedPlan> saved;
  if (!options.plan_file.empty()) saved = read_saved_plan(options.plan_file);  // before connecting
  Connection conn = saved ? open_for_saved_plan(ctx.url, *saved, seconds(ctx.lock_timeout_seconds))
                          : open(ctx, OpenMode::ReadWrite);
  check_standbys_first(ctx, conn, options);
  const ApplyResult result = saved ? apply_saved_plan(conn, ctx.config, *saved, apply_options)
                                   : apply_migration(conn, ctx.config, apply_options);
  note_applied(result);
  const bool json = ctx.global.format == Format::Json;
  Json doc = apply_json(result);
  if (ctx.global.format == Format::Markdown) print_apply_markdown(std::cout, result, ctx.config);
  else if (!json) print_apply(std::cout, result, use_color(STDOUT_FILENO));
  if (result.planned.plan.blocked()) {
    if (json) print_json(doc, "apply");
    log_blockers(result.planned.plan);
    return kError;
  }
  std::cout.flush();  // what was applied, before any wait for standbys
  const std::vector<ReplicaCaughtUp> replicas = wait_or_report(ctx, conn, options, json ? &doc : nullptr, result.applied);
  if (json) {
    if (!options.replicas.empty()) doc["replicas"] = replicas_json(replicas);
    print_json(doc, "apply");
  } else {
    print_replicas(std::cout, replicas);
  }
  return kOk;
}

int cmd_audit(const Context& ctx, const std::string& junit_file) {
  Connection conn = open(ctx, OpenMode::ReadOnly);
  const PlannedMigration planned = read_plan(conn, ctx);
  if (!junit_file.empty()) write_junit(junit_file, audit_junit(planned.plan));
  if (ctx.global.format == Format::Json) print_json(plan_json(planned.plan), "audit");
  else if (ctx.global.format == Format::Markdown) print_audit_markdown(std::cout, planned.plan, ctx.config);
  else print_audit(std::cout, planned.plan);
  return drift_count(planned.plan) == 0 ? kOk : kDifferences;
}

int cmd_seed(const Context& ctx, int lock_timeout_seconds) {
  reject_markdown(ctx, "seed");
  Connection conn = open(ctx, OpenMode::ReadWrite);
  const SeedResult result = seed_database(conn, ctx.config, seconds(lock_timeout_seconds));
  if (ctx.global.format == Format::Json) print_json(seed_json(result), "seed");
  else print_seed(std::cout, result);
  return kOk;
}

int cmd_verify(const Context& ctx, const std::string& junit_file) {
  Connection conn = open(ctx, OpenMode::ReadOnly);
  const VerifyReport report = verify_database(conn, ctx.config);
  if (!junit_file.empty()) write_junit(junit_file, verify_junit(report));
  if (ctx.global.format == Format::Json) print_json(verify_json(report), "verify");
  else if (ctx.global.format == Format::Markdown) print_verify_markdown(std::cout, report);
  else print_verify(std::cout, report);
  return report.mismatch_count() == 0 ? kOk : kDifferences;
}

namespace {

// A stage of `run` failed after earlier ones completed (the apply may have
// committed): what completed is printed already; fail with the original error. JSON:
// one document with the completed stages and {"error": {stage, message, exit}},
// printed by main() with the same message as the stderr line.
[[noreturn]] void fail_stage(const Context& ctx, Json done, const std::string& stage, const ApplyResult& applied) {
  if (ctx.global.format == Format::Json) leave_json_for_error(std::move(done), stage);
  // One line: the error names its stage ("seed: ...") and, when the apply
  // committed, says so with its run id.
  rethrow_after_apply(applied);
}

}  // namespace

int cmd_run(const Context& ctx, const ApplyCommandOptions& options) {
  const int lock_timeout_seconds = options.lock_timeout_seconds;
  Connection conn = open(ctx, OpenMode::ReadWrite);
  check_standbys_first(ctx, conn, options);
  TerminalProgress progress(ctx.global.quiet);
  const ApplyResult applied = apply_migration(conn, ctx.config,
                                              ApplyOptions{.lock_timeout = seconds(lock_timeout_seconds),
                                                           .progress = progress.fn(),
                                                           .seeds_must_insert = true,
                                                           .batch_size = options.batch_size,
                                                           .on_commit = note_commit});
  note_applied(applied);
  const bool json = ctx.global.format == Format::Json;
  const bool markdown = ctx.global.format == Format::Markdown;
  const bool text = !json && !markdown;
  Json done{{"apply", apply_json(applied)}};
  if (text) print_apply(std::cout, applied, use_color(STDOUT_FILENO));
  if (applied.planned.plan.blocked()) {
    if (json) print_json(done, "run");
    else if (markdown) print_run_markdown(std::cout, applied, nullptr, nullptr, ctx.config);
    log_blockers(applied.planned.plan);
    return kError;
  }
  std::cout.flush();  // the committed apply is reported even if seed fails
  std::optional<SeedResult> seeded;
  try {
    seeded = seed_database(conn, ctx.config, seconds(lock_timeout_seconds));
  } catch (const std::exception&) {
    if (markdown) print_run_markdown(std::cout, applied, nullptr, nullptr, ctx.config);
    fail_stage(ctx, done, "seed", applied);
  }
  done["seed"] = seed_json(*seeded);
  if (text) print_seed(std::cout, *seeded);
  std::cout.flush();
  std::optional<VerifyReport> report;
  try {
    report = verify_database(conn, ctx.config);
  } catch (const std::exception&) {
    if (markdown) print_run_markdown(std::cout, applied, &*seeded, nullptr, ctx.config);
    fail_stage(ctx, done, "verify", applied);
  }
  done["verify"] = verify_json(*report);
  if (markdown) print_run_markdown(std::cout, applied, &*seeded, &*report, ctx.config);
  else if (text) print_verify(std::cout, *report);
  int code = report->mismatch_count() == 0 ? kOk : kDifferences;
  if (!options.replicas.empty()) {
    std::cout.flush();
    const std::vector<ReplicaCaughtUp> replicas = wait_or_report(ctx, conn, options, json ? &done : nullptr, applied.applied);
    if (json) done["replicas"] = replicas_json(replicas);
    else print_replicas(std::cout, replicas);
    try {
      code = std::max(code, check_standbys(ctx, options, json ? &done : nullptr));
    } catch (const std::exception&) {
      fail_stage(ctx, done, "standby", applied);
    }
  }
  if (json) print_json(done, "run");
  return code;
}

int cmd_history(const Context& ctx) {
  reject_markdown(ctx, "history");
  Connection conn = open(ctx, OpenMode::ReadOnly);
  std::vector<HistoryEntry> entries;
  {
    ReadTransaction snapshot(conn);
    entries = read_history(conn, history_schema_for(conn, ctx.config));
  }
  // A mistyped SQLite path would read as "nothing applied" otherwise.
  if (ctx.global.format == Format::Json) {
    Json doc{{"database_exists", conn.database_exists()}};
    doc.update(history_json(entries));
    print_json(doc, "history");
  } else if (!conn.database_exists()) {
    std::cout << "no applied plans recorded: " << ctx.url.redacted << " does not exist\n";
  } else {
    print_history(std::cout, entries);
  }
  return kOk;
}

}  // namespace addrmig::cli
