#include "lib/fleet.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace addrmig {
namespace {

// Runs targets [first, last) on up to `jobs` threads. Each thread takes the
// next index; once `stop` is set no index is taken any more, and the ones
// running finish.
void run_range(std::size_t first, std::size_t last, int jobs, FleetRun& result, bool keep_going,
               const std::function<int(std::size_t)>& run, const std::function<bool()>& interrupted) {
  std::mutex mutex;
  std::size_t next = first;
  auto worker = [&] {
    for (;;) {
      std::size_t index;
      {
        std::lock_guard lock(mutex);
        if (result.stop != FleetStop::None || next >= last) return;
        if (interrupted()) {
          result.stop = FleetStop::Interrupted;
          return;
        }
        index = next++;
      }
      const int code = run(index);
      std::lock_guard lock(mutex);
      if (code >= 0) result.exits[index] = code;  // < 0: interrupted before it started
      if (code < 0 || interrupted()) result.stop = FleetStop::Interrupted;
      else if (is_failure(code) && !keep_going && result.stop == FleetStop::None) result.stop = FleetStop::Failure;
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max(jobs, 1), last - first);
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace

bool is_failure(int exit_code) { return exit_code != 0 && exit_code != 2; }

FleetRun run_fleet(std::size_t count, const FleetOptions& options,
                   const std::function<int(std::size_t)>& run,
                   const std::function<bool()>& interrupted) {
  FleetRun result;
  result.exits.assign(count, std::nullopt);
  const std::size_t canaries = std::min<std::size_t>(std::max(options.canary, 0), count);
  if (canaries > 0) {
    // Canaries must all succeed, keep-going or not: they exist to stop a bad
    // migration before it reaches the rest.
    run_range(0, canaries, options.jobs, result, /*keep_going=*/true, run, interrupted);
    if (result.stop != FleetStop::None) return result;
    for (std::size_t i = 0; i < canaries; ++i)
      if (result.exits[i] && is_failure(*result.exits[i])) {
        result.stop = FleetStop::CanaryFailed;
        return result;
      }
  }
  if (canaries < count) run_range(canaries, count, options.jobs, result, options.keep_going, run, interrupted);
  return result;
}

int fleet_exit_code(const FleetRun& run) {
  bool error = false, locked = false, differences = false;
  for (const std::optional<int>& code : run.exits) {
    if (!code) {
      error = error || run.stop == FleetStop::Interrupted;
      continue;
    }
    error = error || (*code != 0 && *code != 2 && *code != 3);
    locked = locked || *code == 3;
    differences = differences || *code == 2;
  }
  return error ? 1 : locked ? 3 : differences ? 2 : 0;
}

}  // namespace addrmig
