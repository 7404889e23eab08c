#include "lib/planner.h"

#include "lib/errors.h"

namespace addrmig {
// TODO(planner)
}  // namespace addrmig
