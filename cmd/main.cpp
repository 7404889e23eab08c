// addrmig: the CLI is a thin shell over lib/. It parses arguments, loads the
// context, dispatches through a command table (ninja's ChooseTool), and is
// the only place that prints errors and picks exit codes.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

#include "cmd/commands.h"
#include "cmd/fleet.h"
#include "cmd/markdown_report.h"
#include "cmd/outcome.h"
#include "cmd/report.h"
#include "cmd/unknown_command.h"
#include "lib/errors.h"
#include "lib/interrupt.h"
#include "lib/sql.h"

namespace {

using addrmig::cli::Context;
using namespace addrmig::cli;

struct Options {
  GlobalOptions global;
  std::string format = "text";
  PlanOptions plan;
  ApplyCommandOptions apply;
  std::optional<int> batch_size;  // unset: [apply] batch_size, else one transaction
  std::string junit_file;
  FleetCliOptions fleet;
  int retries = 0;
};

struct Command {
  const char* name;
  const char* help;
  std::function<void(CLI::App&, Options&)> add_options;
  std::function<int(const Context&, const Options&)> run;
};

// --lock-timeout > [apply] lock_timeout > 60 seconds (load_context).
int lock_timeout(const Context& c, const Options&) { return c.lock_timeout_seconds; }

// --batch-size > [apply] batch_size > 0 (one transaction).
std::size_t batch_size(const Context& c, const Options& o) {
  return static_cast<std::size_t>(o.batch_size.value_or(c.config.batch_size.value_or(0)));
}

void add_batch_size(CLI::App& cmd, Options& o) {
  cmd.add_option("--batch-size", o.batch_size,
                 "at most N parents per transaction, each under the lock with its own history row")
      ->check(CLI::Range(1, 1000000));
}

// apply and run: batches, standbys to wait for.
void add_apply_options(CLI::App& cmd, Options& o) {
  add_batch_size(cmd, o);
  cmd.add_option("--replica", o.apply.replicas,
                 "after the commit, wait until this PostgreSQL standby has replayed it (repeatable)");
  cmd.add_option("--replica-timeout", o.apply.replica_timeout_seconds,
                 "seconds to wait for the standbys in all (default 60; exit 3 when exceeded)")
      ->check(CLI::Range(0, 86400));
}

ApplyCommandOptions apply_options(const Context& c, const Options& o) {
  ApplyCommandOptions apply = o.apply;
  apply.lock_timeout_seconds = lock_timeout(c, o);
  apply.batch_size = batch_size(c, o);
  return apply;
}

void add_junit(CLI::App& cmd, Options& o) {
  cmd.add_option("--junit", o.junit_file, "also write the result as JUnit XML to FILE");
}

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"plan", "inspect the database and print what apply would do; never writes",
       [](CLI::App& cmd, Options& o) {
         cmd.add_flag("--sql", o.plan.sql, "print only the SQL script apply would run");
         cmd.add_flag("--check", o.plan.check, "exit 2 when anything is pending");
         cmd.add_option("--out", o.plan.out_file, "also save the SQL script to FILE");
         add_batch_size(cmd, o);
       },
       [](const Context& c, const Options& o) {
         PlanOptions plan = o.plan;
         plan.batch_size = batch_size(c, o);
         return cmd_plan(c, plan);
       }},
      {"apply", "carry the plan out: one transaction, under a migration lock",
       [](CLI::App& cmd, Options& o) {
         cmd.add_option("FILE", o.apply.plan_file, "a plan saved with plan --out");
         add_apply_options(cmd, o);
       },
       [](const Context& c, const Options& o) { return cmd_apply(c, apply_options(c, o)); }},
      {"audit", "read-only report on every parent and its address table", add_junit,
       [](const Context& c, const Options& o) { return cmd_audit(c, o.junit_file); }},
      {"seed", "insert the configured sample data (idempotent)", nullptr,
       [](const Context& c, const Options& o) { return cmd_seed(c, lock_timeout(c, o)); }},
      {"verify", "read the sample data back both ways and compare with the config", add_junit,
       [](const Context& c, const Options& o) { return cmd_verify(c, o.junit_file); }},
      {"run", "apply, then seed, then verify: the one-line CI step", add_apply_options,
       [](const Context& c, const Options& o) { return cmd_run(c, apply_options(c, o)); }},
      {"history", "list what apply has recorded in the database", nullptr,
       [](const Context& c, const Options&) { return cmd_history(c); }},
  };
  return table;
}

void setup_logging(const GlobalOptions& global) {
  auto logger = spdlog::stderr_color_mt("addrmig");
  logger->set_pattern("addrmig: %^%l%$: %v");
  logger->set_level(global.verbose ? spdlog::level::debug
                    : global.quiet ? spdlog::level::err
                                   : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

// The value of --format as written, for when CLI11 could not parse the rest.
std::string requested_format(int argc, const char* const* argv) {
  std::string format = "text";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--format" && i + 1 < argc) format = argv[++i];
    else if (arg.rfind("--format=", 0) == 0) format = arg.substr(9);
  }
  return format;
}

std::string parsed_command(const CLI::App& app) {
  const auto subcommands = app.get_subcommands();
  return subcommands.empty() ? std::string() : subcommands.front()->get_name();
}

int fail(const std::string& message, int code) {
  // A path or argument may hold bytes that are not UTF-8: the same \xNN on
  // stderr, in the JSON document and in markdown.
  const std::string line = addrmig::escape_invalid_utf8(message);
  std::cerr << "addrmig: error: " << line << "\n";
  command_outcome().error = line;
  return code;
}

// Global like --database: accepted before the command and after it.
void add_fleet_options(CLI::App& app, Options& o) {
  CLI::Option* targets =
      app.add_option("--targets", o.fleet.targets_file, "run the command on every [[targets]] database of FILE");
  app.add_option("--jobs", o.fleet.jobs, "with --targets: targets at a time (default 4)")
      ->check(CLI::Range(1, 256))
      ->needs(targets);
  app.add_option("--canary", o.fleet.canary,
                 "with --targets: the first N targets run alone first; the rest only if they succeed")
      ->check(CLI::Range(0, 1000000))
      ->needs(targets);
  app.add_flag("--keep-going", o.fleet.keep_going, "with --targets: start further targets after one fails")
      ->needs(targets);
  app.add_option("--shard", o.fleet.shard, "with --targets: only the K-th of N disjoint slices of the targets (K/N)")
      ->needs(targets);
  app.add_option("--retries", o.retries, "retry a lock timeout (exit 3) up to N times, with backoff and jitter")
      ->check(CLI::Range(0, 100));
}

// Before retry `attempt` (1-based): 1 s, 2 s, 4 s ... at most 30 s, each
// drawn between half and all of it so that retrying processes spread out.
std::chrono::milliseconds retry_delay(int attempt) {
  const long ceiling = std::min(30'000L, 1000L << std::min(attempt - 1, 5));
  static std::mt19937 random{std::random_device{}()};
  return std::chrono::milliseconds(std::uniform_int_distribution<long>(ceiling / 2, ceiling)(random));
}

// A lock timeout changed nothing, so the whole command can run again. A
// signal during the wait ends it at once.
int run_with_retries(const Command& command, const Context& ctx, const Options& o) {
  for (int attempt = 1;; ++attempt) {
    try {
      return command.run(ctx, o);
    } catch (const addrmig::LockTimeout& e) {
      if (attempt > o.retries || addrmig::interrupt_signal()) throw;
      const auto delay = retry_delay(attempt);
      spdlog::warn("{}; retry {} of {} in {:.1f} s", e.what(), attempt, o.retries, delay.count() / 1000.0);
      const auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until) {
        addrmig::throw_if_interrupted("waiting to retry after a lock timeout; nothing was changed");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

int run_command(const std::string& name, const Options& o, const std::vector<std::string>& argv) {
  for (const Command& command : commands()) {
    if (name != command.name) continue;
    if (!o.fleet.targets_file.empty()) {
      if (!o.apply.replicas.empty())
        throw addrmig::UsageError("--replica names the standbys of one database; with --targets each target has "
                                  "its own: run apply --replica per target instead");
      addrmig::load_config(o.global.config_path);  // a bad config is one error, not one per target
      return run_fleet_command(argv, o.fleet, o.global, name, o.junit_file);
    }
    return run_with_retries(command, load_context(o.global), o);
  }
  return fail("unknown command " + name, kError);
}

// A fleet's target process ends with its fleet: the kernel sends SIGTERM (a
// clean rollback, as for any SIGTERM) when the fleet process dies, even by
// SIGKILL, so that no migration goes on unattended. Call before the signals
// are watched: a fleet already gone means nothing has started here.
void follow_fleet_parent() {
  const char* parent = std::getenv("ADDRMIG_FLEET_PARENT");
  if (!parent || !*parent) return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (std::to_string(getppid()) != parent) {
    std::cerr << "addrmig: error: the fleet run that started this target is gone; nothing was done\n";
    std::exit(128 + SIGTERM);
  }
}

// The exit code, after telling a fleet run that started us what happened.
int exit_with(int code) {
  write_command_outcome(code);
  return code;
}

int exit_code(const std::string& name, const Options& o, const std::vector<std::string>& argv) {
  try {
    return run_command(name, o, argv);
  } catch (const addrmig::Interrupted& e) {
    return fail(e.what(), 128 + e.signal());
  } catch (const addrmig::CommitUnknown& e) {
    return fail(e.what(), kOutcomeUnknown);
  } catch (const addrmig::LockTimeout& e) {
    if (int signal = addrmig::interrupt_signal()) return fail(e.what(), 128 + signal);
    return fail(e.what(), kLocked);
  } catch (const addrmig::ReplicaTimeout& e) {
    command_outcome().result = "standby lag";
    return fail(e.what(), kLocked);
  } catch (const addrmig::PlanChanged& e) {
    return fail(e.what(), kDifferences);
  } catch (const std::exception& e) {
    // Any failure after a signal is the signal's doing (a cancelled statement).
    if (int signal = addrmig::interrupt_signal()) return fail(e.what(), 128 + signal);
    return fail(e.what(), kError);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"addrmig: plan, apply and verify <parent>_address tables on SQLite and PostgreSQL"};
  app.name("addrmig");
  app.require_subcommand(1);
  app.fallthrough();
  Options o;
  app.set_version_flag("--version", "addrmig " ADDRMIG_VERSION);
  app.add_option("-c,--config", o.global.config_path, "config file (default addrmig.toml)");
  app.add_option("--database", o.global.database,
                 "database URL (overrides ADDRMIG_DATABASE_URL and [database] url)");
  app.add_option("--format", o.format,
                 "output format: text, json, or markdown (plan, apply, audit, verify, run: for pull requests)")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  app.add_flag("-q,--quiet", o.global.quiet, "only errors on stderr");
  app.add_flag("-v,--verbose", o.global.verbose, "debug logs on stderr");
  app.add_option("--lock-timeout", o.global.lock_timeout_seconds,
                 "seconds any command waits for a lock (SQLite: all waits together; PostgreSQL: each wait) (0: do not wait); "
                 "exit 3 when exceeded (default: [apply] lock_timeout, else 60)")
      ->check(CLI::Range(0, 86400));
  add_fleet_options(app, o);
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    if (command.add_options) command.add_options(*sub, o);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    const auto unknown = unknown_command_message(app, argc, argv);
    const int code = fail(unknown ? *unknown : std::string(e.what()) + " (see addrmig --help)", kError);
    // The format is not parsed when the arguments are wrong: --format json
    // still promises one document, with no command when none was recognised.
    if (requested_format(argc, argv) == "json")
      print_json(json_error_document(command_outcome().error, code), parsed_command(app));
    if (requested_format(argc, argv) == "markdown")
      print_failure_markdown(std::cout, parsed_command(app), command_outcome().error, code);
    return code;
  }
  o.global.format = o.format == "json"       ? Format::Json
                     : o.format == "markdown" ? Format::Markdown
                                              : Format::Text;
  // Before any other thread. A fleet run watches the signals itself (it
  // passes them on to its targets' processes, see cmd/fleet.cpp).
  follow_fleet_parent();
  if (o.fleet.targets_file.empty()) addrmig::install_interrupt_handling();
  setup_logging(o.global);

  const std::string name = app.get_subcommands().front()->get_name();
  const int code = exit_code(name, o, std::vector<std::string>(argv, argv + argc));
  // --format json promises one document on stdout: a command that failed
  // before printing its own prints the error (also on stderr, as always).
  const std::string& error = command_outcome().error;
  if (o.global.format == Format::Json && !json_printed() && !error.empty())
    print_json(json_error_document(error, code), name);
  // A pull-request comment or job summary shows the failure, after whatever
  // the command printed (run's completed stages), not an empty page.
  if (o.global.format == Format::Markdown && !error.empty()) print_failure_markdown(std::cout, name, error, code);
  return exit_with(code);
}
