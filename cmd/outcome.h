#pragma once
// What one addrmig process did, in a few words, for a fleet run that started
// it: when ADDRMIG_FLEET_OUTCOME names a file, main() writes this there as
// JSON before exiting, and the parent puts it in its summary table.

#include <cstdint>
#include <string>

namespace addrmig::cli {

struct CommandOutcome {
  std::string result;           // "applied", "nothing to do", "blocked", ...; empty: from the exit code
  bool applied = false;         // apply/run committed a migration
  std::int64_t statements = 0;  // statements that commit ran
  std::string error;            // the one-line error, when the command failed
};

// The process's outcome (one command per process).
CommandOutcome& command_outcome();

// Writes the outcome and `exit_code` to $ADDRMIG_FLEET_OUTCOME, when set.
void write_command_outcome(int exit_code);

// For ApplyOptions::on_commit: records a commit and writes the outcome at
// once (exit still unknown), so that a process stopped before it exits
// normally still tells its fleet run that it applied.
void note_commit(std::size_t statements);

}  // namespace addrmig::cli
