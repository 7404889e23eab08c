#pragma once
// PostgreSQL behind the DatabaseDialect seam.

#include "lib/dialect.h"

namespace addrmig::postgres {

// `id` is the tag the factory (lib/dialect.cpp) knows this dialect by.
std::unique_ptr<DatabaseDialect> make_dialect(Dialect id);
Capabilities capabilities();

// A table as PostgreSQL names it: an empty schema means the default one.
TableRef with_schema(const TableRef& table);
// Quoted "schema"."name", the schema defaulted.
std::string qualified(const TableRef& table);

}  // namespace addrmig::postgres
