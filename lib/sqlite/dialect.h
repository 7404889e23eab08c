#pragma once
// SQLite behind the DatabaseDialect seam.

#include "lib/dialect.h"

namespace addrmig::sqlite {

// `id` is the tag the factory (lib/dialect.cpp) knows this dialect by.
std::unique_ptr<DatabaseDialect> make_dialect(Dialect id);
Capabilities capabilities();

// The type affinity SQLite gives a declared type
// (sqlite.org/datatype3.html#determination_of_column_affinity).
std::string affinity(const ColumnType& type);

}  // namespace addrmig::sqlite
