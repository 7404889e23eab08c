#include "lib/postgres_inspector.h"

#include "lib/errors.h"

namespace addrmig {

Catalog PostgresInspector::inspect(const std::vector<TableRef>&) {
  throw Error("postgres inspector: not implemented yet");
}

Facts PostgresInspector::measure(const std::vector<FactRequest>&) {
  throw Error("postgres inspector: not implemented yet");
}

}  // namespace addrmig
