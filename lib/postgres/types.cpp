#include "lib/postgres/types.h"

#include <regex>

namespace addrmig::postgres {
namespace {

struct TypeNames {
  const char* portable;
  const char* rendered;  // how addrmig writes it in DDL
  const char* catalog;   // how format_type() reports it
};

constexpr TypeNames kPlainTypes[] = {
    {"text", "text", "text"},
    {"integer", "integer", "integer"},
    {"bigint", "bigint", "bigint"},
    {"boolean", "boolean", "boolean"},
    {"real", "real", "real"},
    {"double", "double precision", "double precision"},
    {"date", "date", "date"},
    {"timestamp", "timestamp", "timestamp without time zone"},
    {"uuid", "uuid", "uuid"},
};

}  // namespace

std::string native_type(const std::string& portable) {
  for (const TypeNames& type : kPlainTypes)
    if (portable == type.portable) return type.rendered;
  // varchar(N) and numeric(P,S) are spelled the same on PostgreSQL.
  static const std::regex sized(R"((varchar\(\d+\)|numeric\(\d+,\d+\)))");
  if (std::regex_match(portable, sized)) return portable;
  return {};
}

std::string portable_type(const std::string& native) {
  for (const TypeNames& type : kPlainTypes)
    if (native == type.catalog) return type.portable;
  // varchar without a length (SQLAlchemy's String) is text under another
  // name: same storage, no limit. An address table declared so is not drifted.
  if (native == "character varying") return "text";
  static const std::regex varchar(R"(character varying\((\d+)\))");
  static const std::regex numeric(R"(numeric\((\d+),(\d+)\))");
  std::smatch m;
  if (std::regex_match(native, m, varchar)) return "varchar(" + m[1].str() + ")";
  if (std::regex_match(native, m, numeric)) return "numeric(" + m[1].str() + "," + m[2].str() + ")";
  return {};
}

}  // namespace addrmig::postgres
