#include "cmd/progress.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

namespace addrmig::cli {

ProgressFn terminal_progress(bool quiet) {
  if (quiet || !isatty(STDERR_FILENO)) return {};
  // Redraw at most ten times a second: thousands of fast statements would
  // otherwise spend more time drawing than running.
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [last](std::size_t done, std::size_t total, const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    if (done == total) {
      std::fprintf(stderr, "\r\033[K");
      return;
    }
    if (now - *last < std::chrono::milliseconds(100)) return;
    *last = now;
    std::fprintf(stderr, "\r\033[Kapplying [%zu/%zu] %.60s", done + 1, total, what.c_str());
    std::fflush(stderr);
  };
}

}  // namespace addrmig::cli
