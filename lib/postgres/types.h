#pragma once
// The portable types in PostgreSQL: one table, read both ways (rendering a
// portable type, naming the portable type of a column the catalog reports).

#include <string>

namespace addrmig::postgres {

// "double" -> "double precision"; "" when `portable` is not a portable type.
std::string native_type(const std::string& portable);

// Portable name of a format_type() spelling ("character varying(20)" ->
// "varchar(20)"), or "" when it is not one of the portable types.
std::string portable_type(const std::string& native);

}  // namespace addrmig::postgres
