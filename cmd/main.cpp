// addrmig: the CLI is a thin shell over lib/. It parses arguments, loads the
// context, dispatches through a command table (ninja's ChooseTool), and is
// the only place that prints errors and picks exit codes.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <iostream>

#include "cmd/commands.h"
#include "cmd/unknown_command.h"
#include "lib/errors.h"
#include "lib/interrupt.h"

namespace {

using addrmig::cli::Context;
using namespace addrmig::cli;

struct Options {
  GlobalOptions global;
  std::string format = "text";
  PlanOptions plan;
  ApplyCommandOptions apply;
  std::string junit_file;
};

struct Command {
  const char* name;
  const char* help;
  std::function<void(CLI::App&, Options&)> add_options;
  std::function<int(const Context&, const Options&)> run;
};

// --lock-timeout > [apply] lock_timeout > 60 seconds (load_context).
int lock_timeout(const Context& c, const Options&) { return c.lock_timeout_seconds; }

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
       },
       [](const Context& c, const Options& o) { return cmd_plan(c, o.plan); }},
      {"apply", "carry the plan out: one transaction, under a migration lock",
       [](CLI::App& cmd, Options& o) {
         cmd.add_option("FILE", o.apply.plan_file, "a plan saved with plan --out");
       },
       [](const Context& c, const Options& o) {
         ApplyCommandOptions apply = o.apply;
         apply.lock_timeout_seconds = lock_timeout(c, o);
         return cmd_apply(c, apply);
       }},
      {"audit", "read-only report on every parent and its address table", add_junit,
       [](const Context& c, const Options& o) { return cmd_audit(c, o.junit_file); }},
      {"seed", "insert the configured sample data (idempotent)", nullptr,
       [](const Context& c, const Options& o) { return cmd_seed(c, lock_timeout(c, o)); }},
      {"verify", "read the sample data back both ways and compare with the config", add_junit,
       [](const Context& c, const Options& o) { return cmd_verify(c, o.junit_file); }},
      {"run", "apply, then seed, then verify: the one-line CI step", nullptr,
       [](const Context& c, const Options& o) { return cmd_run(c, lock_timeout(c, o)); }},
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

int fail(const std::string& message, int code) {
  std::cerr << "addrmig: error: " << message << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  addrmig::install_interrupt_handling();  // first: before any other thread
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
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    if (command.add_options) command.add_options(*sub, o);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    if (const auto unknown = unknown_command_message(app, argc, argv)) return fail(*unknown, kError);
    return fail(std::string(e.what()) + " (see addrmig --help)", kError);
  }
  o.global.format = o.format == "json"       ? Format::Json
                     : o.format == "markdown" ? Format::Markdown
                                              : Format::Text;
  setup_logging(o.global);

  const std::string name = app.get_subcommands().front()->get_name();
  try {
    for (const Command& command : commands())
      if (name == command.name) return command.run(load_context(o.global), o);
    return fail("unknown command " + name, kError);
  } catch (const addrmig::Interrupted& e) {
    return fail(e.what(), 128 + e.signal());
  } catch (const addrmig::CommitUnknown& e) {
    return fail(e.what(), kOutcomeUnknown);
  } catch (const addrmig::LockTimeout& e) {
    if (int signal = addrmig::interrupt_signal()) return fail(e.what(), 128 + signal);
    return fail(e.what(), kLocked);
  } catch (const addrmig::PlanChanged& e) {
    return fail(e.what(), kDifferences);
  } catch (const std::exception& e) {
    // Any failure after a signal is the signal's doing (a cancelled statement).
    if (int signal = addrmig::interrupt_signal()) return fail(e.what(), 128 + signal);
    return fail(e.what(), kError);
  }
}
