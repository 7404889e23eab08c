#pragma once
// Progress for long applies, drawn on stderr only when it is a terminal and
// --quiet is off; CI logs (not a terminal) stay clean.

#include <chrono>
#include <cstddef>
#include <string>

#include "lib/executor.h"

namespace addrmig::cli {

// An empty ProgressFn when progress should not be shown.
ProgressFn terminal_progress(bool quiet);

}  // namespace addrmig::cli
