#pragma once
// One short function per command. Each returns the process exit code; typed
// errors propagate to main(), which prints one line and maps them.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/database_url.h"

namespace addrmig::cli {

// Interrupted (SIGINT/SIGTERM) exits 128 + the signal number: 130, 143.
enum ExitCode { kOk = 0, kError = 1, kDifferences = 2, kLocked = 3, kOutcomeUnknown = 4 };

enum class Format { Text, Json, Markdown };

struct GlobalOptions {
  std::string config_path = "addrmig.toml";
  std::optional<std::string> database;
  Format format = Format::Text;
  bool quiet = false;
  bool verbose = false;
  std::optional<int> lock_timeout_seconds;  // --lock-timeout
};

struct PlanOptions {
  bool sql = false;
  bool check = false;
  std::string out_file;
  std::size_t batch_size = 0;  // as apply would batch (0: one transaction)
};

struct ApplyCommandOptions {
  std::string plan_file;  // apply FILE: a saved plan
  int lock_timeout_seconds = 60;
  std::size_t batch_size = 0;          // parents per transaction; 0: all in one
  std::vector<std::string> replicas;   // standbys to wait for after the commit
  int replica_timeout_seconds = 60;
};

// Config and database resolved once for every command.
struct Context {
  GlobalOptions global;
  Config config;
  DatabaseUrl url;
  // --lock-timeout > [apply] lock_timeout > 60: how long every command
  // waits for a lock (0: not at all).
  int lock_timeout_seconds = 60;
};

Context load_context(const GlobalOptions& global);

int cmd_plan(const Context& ctx, const PlanOptions& options);
int cmd_apply(const Context& ctx, const ApplyCommandOptions& options);
int cmd_audit(const Context& ctx, const std::string& junit_file);
int cmd_seed(const Context& ctx, int lock_timeout_seconds);
int cmd_verify(const Context& ctx, const std::string& junit_file);
int cmd_run(const Context& ctx, const ApplyCommandOptions& options);
int cmd_history(const Context& ctx);

}  // namespace addrmig::cli
