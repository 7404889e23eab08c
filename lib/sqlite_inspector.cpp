#include "lib/sqlite_inspector.h"

#include "lib/errors.h"

namespace addrmig {

Catalog SqliteInspector::inspect(const std::vector<TableRef>&) {
  throw Error("sqlite inspector: not implemented yet");
}

Facts SqliteInspector::measure(const std::vector<FactRequest>&) {
  throw Error("sqlite inspector: not implemented yet");
}

}  // namespace addrmig
