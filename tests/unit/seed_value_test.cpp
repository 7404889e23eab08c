// Seed values against their column's portable type, at config time (issue
// #14, item 9): what cannot be stored exactly as written is a config error.

#include <catch2/catch.hpp>
#include <string>

#include "lib/config.h"
#include "lib/errors.h"
#include "lib/portable_value.h"

using namespace addrmig;

namespace {

std::string config_with(const std::string& type, const std::string& value) {
  return "[related]\ncolumns = [ { name = \"v\", type = \"" + type + "\" } ]\n"
         "[[parents]]\ntable = \"p\"\ncolumns = [ { name = \"n\", type = \"text\" } ]\n"
         "[[seed]]\nparent = \"p\"\nvalues = { n = \"x\" }\naddresses = [ { v = " + value + " } ]\n";
}

std::string error_for(const std::string& type, const std::string& value) {
  try {
    parse_config(config_with(type, value), "seed.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

Value loaded(const std::string& type, const std::string& value) {
  return parse_config(config_with(type, value), "seed.toml").seeds.at(0).addresses.at(0).at(0).value;
}

}  // namespace

TEST_CASE("seed values that fit their column type load", "[config]") {
  const struct { const char* type; const char* value; } fits[] = {
      {"date", "1979-05-27"}, {"date", "\"2024-02-29\""}, {"date", "0001-01-01"}, {"date", "9999-12-31"},
      {"timestamp", "1979-05-27T07:32:00"}, {"timestamp", "1979-05-27 07:32:00.999999"},
      {"timestamp", "\"2000-02-29T23:59:59.5\""}, {"uuid", "\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\""},
      {"numeric(5,2)", "123.45"}, {"numeric(5,2)", "-999.99"}, {"numeric(5,2)", "\"0.10\""},
      {"numeric(5,2)", "7"}, {"real", "0.1"}, {"real", "16777216"}, {"double", "0.30000000000000004"},
      {"double", "9007199254740992"}, {"integer", "-2147483648"}, {"bigint", "9223372036854775807"},
  };
  for (const auto& fit : fits) {
    INFO(fit.type << " " << fit.value);
    CHECK(error_for(fit.type, fit.value) == "(no error)");
  }
  // TOML's own date types stand for their ISO text.
  CHECK(loaded("date", "1979-05-27") == Value{std::string("1979-05-27")});
  CHECK(loaded("timestamp", "1979-05-27T07:32:00") == Value{std::string("1979-05-27T07:32:00")});
}

TEST_CASE("seed values a column would store differently, or refuse, are config errors", "[config]") {
  const struct { const char* type; const char* value; const char* error; } misfits[] = {
      {"date", "\"2024-02-30\"", "must be a date YYYY-MM-DD that exists (years 1 to 9999)"},
      {"date", "\"2023-02-29\"", "must be a date YYYY-MM-DD that exists"},
      {"date", "\"27.05.1979\"", "must be a date YYYY-MM-DD"},
      {"timestamp", "1979-05-27T07:32:00Z", "must be a timestamp without a UTC offset"},
      {"timestamp", "1979-05-27T07:32:00-07:00", "must be a timestamp without a UTC offset"},
      {"timestamp", "\"1979-05-27 24:00:00\"", "must be a timestamp YYYY-MM-DD HH:MM:SS"},
      {"timestamp", "\"1979-05-27 07:32:00.1234567\"", "at most microseconds"},
      {"uuid", "\"not-a-uuid\"", "must be a uuid (8-4-4-4-12 hexadecimal digits)"},
      {"uuid", "\"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}\"", "must be a uuid"},
      {"numeric(5,2)", "1.005", "must be a number with at most 3 digits before the point and 2 after"},
      {"numeric(5,2)", "1000", "at most 3 digits before the point"},
      {"numeric(5,2)", "\"1e3\"", "must be a number"},
      {"real", "16777217", "a 4-byte real holds exactly"},
      {"real", "0.30000000000000004", "a 4-byte real holds exactly"},
      {"double", "9007199254740993", "a double holds exactly"},
      {"varchar(3)", "\"äöüß\"", "at most 3 characters"},
      {"integer", "2147483648", "fits in 32 bits"},
  };
  for (const auto& misfit : misfits) {
    INFO(misfit.type << " " << misfit.value);
    const std::string error = error_for(misfit.type, misfit.value);
    CHECK(error.find("seed.toml:9: seed value for column 'v' (" + std::string(misfit.type) + ")") == 0);
    CHECK(error.find(misfit.error) != std::string::npos);
  }
}

TEST_CASE("canonical values: one spelling per stored value on both dialects", "[config]") {
  CHECK(canonical_config_value("boolean", Value{true}) == canonical_stored_value("boolean", "t"));
  CHECK(canonical_config_value("boolean", Value{false}) == canonical_stored_value("boolean", "0"));
  CHECK(canonical_config_value("numeric(5,2)", Value{1.5}) == canonical_stored_value("numeric(5,2)", "1.50"));
  CHECK(canonical_config_value("numeric(5,2)", Value{std::int64_t{2}}) == canonical_stored_value("numeric(5,2)", "2.0"));
  CHECK(canonical_config_value("numeric(5,2)", Value{std::string("-0.00")}) == canonical_stored_value("numeric(5,2)", "0"));
  CHECK(canonical_config_value("double", Value{0.1}) == canonical_stored_value("double", "0.10000000000000001"));
  CHECK(canonical_config_value("double", Value{-1.7976931348623157e308}) ==
        canonical_stored_value("double", "-1.79769313486232e+308"));  // SQLite's CAST to TEXT
  CHECK(canonical_config_value("real", Value{0.1}) == canonical_stored_value("real", "0.1"));
  CHECK(canonical_config_value("timestamp", Value{std::string("2024-01-01T10:00:00.500")}) ==
        canonical_stored_value("timestamp", "2024-01-01 10:00:00.5"));
  CHECK(canonical_config_value("uuid", Value{std::string("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")}) ==
        canonical_stored_value("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  CHECK(canonical_config_value("text", Value{std::string("1.50")}) != canonical_stored_value("text", "1.5"));
  CHECK(value_to_bind("numeric(30,20)", Value{1.1}) == Value{std::string("1.1")});
}
