#include "lib/plan.h"

namespace addrmig {
// TODO(planner): names and Plan queries.
}  // namespace addrmig
