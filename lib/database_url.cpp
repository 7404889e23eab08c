#include "lib/database_url.h"

#include "lib/errors.h"

namespace addrmig {
// TODO(config)
}  // namespace addrmig
