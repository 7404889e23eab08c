#include "cmd/outcome.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace addrmig::cli {

CommandOutcome& command_outcome() {
  static CommandOutcome outcome;
  return outcome;
}

void write_command_outcome(int exit_code) {
  const char* path = std::getenv("ADDRMIG_FLEET_OUTCOME");
  if (!path || !*path) return;
  const CommandOutcome& o = command_outcome();
  const nlohmann::ordered_json doc{{"exit", exit_code},
                                   {"result", o.result},
                                   {"applied", o.applied},
                                   {"statements", o.statements},
                                   {"error", o.error}};
  // Best effort: the exit code still tells. An error may quote bytes that are not UTF-8.
  std::ofstream(path, std::ios::binary) << doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                                        << "\n";
}

void note_commit(std::size_t statements) {
  CommandOutcome& outcome = command_outcome();
  outcome.applied = true;
  outcome.statements += static_cast<std::int64_t>(statements);
  write_command_outcome(-1);
}

}  // namespace addrmig::cli
