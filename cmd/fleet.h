#pragma once
// `--targets FILE`: the command runs once per target, each in its own addrmig
// process (its own connection, logs, signal handling and exit code, exactly
// as a shell loop would run it), at most --jobs at a time. Their reports are
// printed whole, one target after another, then a summary table.

#include <string>
#include <vector>

#include "cmd/commands.h"

namespace addrmig::cli {

struct FleetCliOptions {
  std::string targets_file;  // empty: no fleet
  int jobs = 4;
  int canary = 0;
  bool keep_going = false;
  std::string shard;  // "K/N" or empty
};

// `argv` is the process's own command line: each target's process gets it
// without the fleet options, with the target's URL in ADDRMIG_DATABASE_URL
// (never on a command line, where `ps` would show its password).
int run_fleet_command(const std::vector<std::string>& argv, const FleetCliOptions& fleet,
                      const GlobalOptions& global, const std::string& command,
                      const std::string& junit_file);

}  // namespace addrmig::cli
