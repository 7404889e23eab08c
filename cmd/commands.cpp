#include "cmd/commands.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cmd/junit.h"
#include "cmd/markdown_report.h"
#include "cmd/outcome.h"
#include "cmd/progress.h"
#include "cmd/replicas.h"
#include "cmd/report.h"
#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/executor.h"
#include "lib/history.h"
#include "lib/planning.h"
#include "lib/saved_plan.h"
#include "lib/script.h"
#include "lib/seed.h"
#include "lib/transaction.h"
#include "lib/verify.h"

namespace addrmig::cli {
namespace {

void print_json(const Json& body, const std::string& command) {
  Json doc{{"format_version", kJsonFormatVersion}, {"command", command}};
  doc.update(body);
  std::cout << doc.dump(2) << "\n";
}

Connection open(const Context& ctx, OpenMode mode) {
  spdlog::debug("connecting to {}", ctx.url.redacted);
  return Connection::open(ctx.url, mode);
}

std::chrono::milliseconds seconds(int value) { return std::chrono::milliseconds(1000LL * value); }

// The line is erased when this returns, before the report is printed.
PlannedMigration read_plan(Connection& conn, const Context& ctx, std::size_t batch_size = 0) {
  TerminalProgress progress(ctx.global.quiet);
  ReadTransaction snapshot(conn);
  return plan_migration(conn, ctx.config, progress.fn(), batch_size);
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
  outcome.applied = result.applied;
  outcome.statements = result.applied ? static_cast<std::int64_t>(result.planned.statements.size()) : 0;
  if (!result.applied && !result.planned.plan.blocked()) outcome.result = "nothing to do";
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
  check_identifier_limits(ctx.config, ctx.url.dialect);
  return ctx;
}

int cmd_plan(const Context& ctx, const PlanOptions& options) {
  if (options.sql && ctx.global.format == Format::Markdown)
    throw UsageError("plan --sql prints the SQL script as text (or, with --format json, in the "
                     "document's \"script\" field); --format markdown shows the SQL per parent already");
  Connection conn = open(ctx, OpenMode::ReadOnly);
  const PlannedMigration planned = read_plan(conn, ctx, options.batch_size);
  const auto renderer = make_renderer(conn.dialect());
  const std::string script = saved_plan_body(planned, conn.dialect());
  if (!options.out_file.empty()) {
    std::ofstream file(options.out_file, std::ios::binary);
    file << write_saved_plan(planned, ctx.config, conn.dialect());
    if (!file) throw Error("cannot write plan to '" + options.out_file + "'");
  }
  if (ctx.global.format == Format::Json) {
    Json body = plan_json(planned.plan, *renderer);
    if (options.sql) body["script"] = script;  // what `plan --sql` prints, in one field
    print_json(body, "plan");
  } else if (options.sql) {
    std::cout << script;
  } else if (ctx.global.format == Format::Markdown) {
    print_plan_markdown(std::cout, planned.plan, *renderer, ctx.config);
  } else {
    print_plan(std::cout, planned.plan, *renderer, true, use_color(STDOUT_FILENO));
  }
  if (planned.plan.blocked()) {
    log_blockers(planned.plan);
    return kError;
  }
  if (options.check && planned.plan.pending()) return kDifferences;
  return kOk;
}

int cmd_apply(const Context& ctx, const ApplyCommandOptions& options) {
  TerminalProgress progress(ctx.global.quiet);
  const ApplyOptions apply_options{seconds(options.lock_timeout_seconds), progress.fn(), options.batch_size};
  std::optional<SavedPlan> saved;
  if (!options.plan_file.empty()) saved = read_saved_plan(options.plan_file);  // before connecting
  Connection conn = open(ctx, OpenMode::ReadWrite);
  const ApplyResult result = saved ? apply_saved_plan(conn, ctx.config, *saved, apply_options)
                                   : apply_migration(conn, ctx.config, apply_options);
  note_applied(result);
  const auto renderer = make_renderer(conn.dialect());
  const bool json = ctx.global.format == Format::Json;
  Json doc = apply_json(result, *renderer);
  if (ctx.global.format == Format::Markdown) print_apply_markdown(std::cout, result, *renderer, ctx.config);
  else if (!json) print_apply(std::cout, result, *renderer, use_color(STDOUT_FILENO));
  if (result.planned.plan.blocked()) {
    if (json) print_json(doc, "apply");
    log_blockers(result.planned.plan);
    return kError;
  }
  std::vector<ReplicaCaughtUp> replicas;
  try {
    replicas = wait_for_standbys(ctx, conn, options);
  } catch (const ReplicaTimeout&) {
    if (json) print_json(doc, "apply");  // what was applied, before the one error line
    throw;
  }
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
  if (ctx.global.format == Format::Json) print_json(plan_json(planned.plan, *make_renderer(conn.dialect())), "audit");
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

int cmd_run(const Context& ctx, const ApplyCommandOptions& options) {
  const int lock_timeout_seconds = options.lock_timeout_seconds;
  Connection conn = open(ctx, OpenMode::ReadWrite);
  const auto renderer = make_renderer(conn.dialect());
  TerminalProgress progress(ctx.global.quiet);
  const ApplyResult applied = apply_migration(
      conn, ctx.config, ApplyOptions{seconds(lock_timeout_seconds), progress.fn(), options.batch_size});
  note_applied(applied);
  if (applied.planned.plan.blocked()) {
    if (ctx.global.format == Format::Json) print_json(Json{{"apply", apply_json(applied, *renderer)}}, "run");
    else if (ctx.global.format == Format::Markdown)
      print_run_markdown(std::cout, applied, nullptr, nullptr, *renderer, ctx.config);
    else print_apply(std::cout, applied, *renderer, use_color(STDOUT_FILENO));
    log_blockers(applied.planned.plan);
    return kError;
  }
  const SeedResult seeded = seed_database(conn, ctx.config, seconds(lock_timeout_seconds));
  const VerifyReport report = verify_database(conn, ctx.config);
  const bool json = ctx.global.format == Format::Json;
  Json doc{{"apply", apply_json(applied, *renderer)}, {"seed", seed_json(seeded)}, {"verify", verify_json(report)}};
  if (ctx.global.format == Format::Markdown) {
    print_run_markdown(std::cout, applied, &seeded, &report, *renderer, ctx.config);
  } else if (!json) {
    print_apply(std::cout, applied, *renderer, use_color(STDOUT_FILENO));
    print_seed(std::cout, seeded);
    print_verify(std::cout, report);
  }
  int code = report.mismatch_count() == 0 ? kOk : kDifferences;
  if (!options.replicas.empty()) {
    std::vector<ReplicaCaughtUp> replicas;
    try {
      replicas = wait_for_standbys(ctx, conn, options);
    } catch (const ReplicaTimeout&) {
      if (json) print_json(doc, "run");
      throw;
    }
    if (json) doc["replicas"] = replicas_json(replicas);
    else print_replicas(std::cout, replicas);
    code = std::max(code, check_standbys(ctx, options, json ? &doc : nullptr));
  }
  if (json) print_json(doc, "run");
  return code;
}

int cmd_history(const Context& ctx) {
  reject_markdown(ctx, "history");
  Connection conn = open(ctx, OpenMode::ReadOnly);
  std::vector<HistoryEntry> entries;
  {
    ReadTransaction snapshot(conn);  // read-only on PostgreSQL, one view of the table
    entries = read_history(conn);
  }
  if (ctx.global.format == Format::Json) print_json(history_json(entries), "history");
  else print_history(std::cout, entries);
  return kOk;
}

}  // namespace addrmig::cli
