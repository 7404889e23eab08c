#pragma once
// Runs one command over many targets: at most `jobs` at a time, canaries
// first, and no new target after a failure (unless keep_going) or after an
// interrupt. Generic: how a target runs is the caller's (cmd/ runs each as
// its own addrmig process); this file only decides what starts when.

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace addrmig {

struct FleetOptions {
  int jobs = 4;             // targets at a time
  int canary = 0;           // the first N targets run alone first
  bool keep_going = false;  // false: after an exit 1 or 3, start no new target
};

// Why targets were left unstarted.
enum class FleetStop { None, Failure, CanaryFailed, Interrupted };

struct FleetRun {
  // Per target, in order: its exit code (0..3), or nullopt when it never started.
  std::vector<std::optional<int>> exits;
  FleetStop stop = FleetStop::None;
};

// `run(i)` runs target i (from any of `jobs` threads) and returns its exit
// code, or -1 when an interrupt came before it started; `interrupted()` is
// asked before each start.
FleetRun run_fleet(std::size_t count, const FleetOptions& options,
                   const std::function<int(std::size_t)>& run,
                   const std::function<bool()>& interrupted);

// The exit code a target's failure stops the fleet on: 1 (error) and 3 (lock).
bool is_failure(int exit_code);

// 1 if any target errored, else 3 if any timed out on a lock, else 2 if any
// has differences, else 0. Unstarted targets count as errors when the fleet
// was interrupted (the command did not reach them).
int fleet_exit_code(const FleetRun& run);

}  // namespace addrmig
