#pragma once
// Progress of long work, drawn on one self-erasing line of stderr only when
// stderr is a terminal and --quiet is off: CI logs (not a terminal) and
// redirected output stay clean.

#include <chrono>
#include <memory>

#include "lib/progress_event.h"

namespace addrmig::cli {

class TerminalProgress {
 public:
  explicit TerminalProgress(bool quiet);
  // Erases the line, so an error printed while unwinding starts on a clean one.
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // What the library calls; empty when nothing is to be drawn, so nothing is counted.
  ProgressFn fn();

 private:
  struct Line;
  std::shared_ptr<Line> line_;  // null when not drawing
};

}  // namespace addrmig::cli
