#include "lib/config.h"

#include "lib/errors.h"

namespace addrmig {
// TODO(config)
}  // namespace addrmig
