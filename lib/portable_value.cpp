#include "lib/portable_value.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <regex>

namespace addrmig {
namespace {

// Shortest decimal text that reads back as the same double (to_chars).
std::string shortest(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string shortest(float value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Floats compare at 15 significant digits: what SQLite prints exactly for
// every double (its CAST to TEXT; its 17-digit printf is off at the extremes),
// and far beyond what a 4-byte real holds.
std::string compared(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

std::string fixed(double value) {
  char buffer[512];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

std::string fixed(double value, int decimals) {
  char buffer[512];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

std::optional<double> parse_double(const std::string& text) {
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_date(int year, int month, int day) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
}

// "YYYY-MM-DD" that exists in the calendar (years 1 to 9999: what both
// dialects store and print alike).
bool is_date(const std::string& text) {
  static const std::regex shape(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  return std::regex_match(text, m, shape) &&
         valid_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

enum class TimestampShape { Invalid, Local, WithOffset };

// "YYYY-MM-DD HH:MM:SS[.ffffff]" ('T' or ' '), at most microseconds (what
// PostgreSQL keeps); an offset (Z, +HH:MM) is recognised to say why it is refused.
TimestampShape timestamp_shape(const std::string& text) {
  static const std::regex shape(
      R"((\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|z|[+-]\d{2}(:?\d{2})?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, shape) || !is_date(m[1])) return TimestampShape::Invalid;
  if (std::stoi(m[2]) > 23 || std::stoi(m[3]) > 59 || std::stoi(m[4]) > 59) return TimestampShape::Invalid;
  return m[6].matched ? TimestampShape::WithOffset : TimestampShape::Local;
}

bool is_uuid(const std::string& text) {
  static const std::regex shape(
      R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
  return std::regex_match(text, shape);
}

std::string ascii_lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "-012.500" -> "-12.5", "1." -> "1", "-0.0" -> "0": one spelling per decimal.
std::string normal_decimal(std::string text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.erase(0, 1);
  }
  if (const auto point = text.find('.'); point != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  const auto first = text.find_first_not_of('0');
  text = first == std::string::npos ? "0" : text.substr(first);
  if (text.front() == '.') text.insert(0, "0");
  return negative && text != "0" ? "-" + text : text;
}

// The decimal text of a configured numeric value, or nullopt when it is not
// a plain decimal (a string like "1e5" or "12,5").
std::optional<std::string> decimal_text(const Value& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&value)) return normal_decimal(fixed(*d));
  if (const auto* s = std::get_if<std::string>(&value)) {
    static const std::regex shape(R"([+-]?\d+(\.\d+)?)");
    if (std::regex_match(*s, shape)) return normal_decimal(*s);
  }
  return std::nullopt;
}

// numeric(P,S) -> {P, S}.
std::pair<int, int> precision_scale(const std::string& type) {
  static const std::regex shape(R"(numeric\((\d+),(\d+)\))");
  std::smatch m;
  if (std::regex_match(type, m, shape)) return {std::stoi(m[1]), std::stoi(m[2])};
  return {0, 0};
}

std::optional<std::string> numeric_misfit(const std::string& type, const Value& value) {
  const auto [precision, scale] = precision_scale(type);
  const std::string wanted = "a number with at most " + std::to_string(precision - scale) +
                             " digits before the point and " + std::to_string(scale) +
                             " after (more would be rounded or refused)";
  const std::optional<std::string> text = decimal_text(value);
  if (!text) return wanted;
  std::string digits = text->front() == '-' ? text->substr(1) : *text;
  const auto point = digits.find('.');
  const std::size_t whole = point == std::string::npos ? digits.size() : point;
  const std::size_t fraction = point == std::string::npos ? 0 : digits.size() - point - 1;
  const bool zero_whole = digits.substr(0, whole) == "0";
  if ((zero_whole ? 0 : whole) > static_cast<std::size_t>(precision - scale) ||
      fraction > static_cast<std::size_t>(scale))
    return wanted;
  return std::nullopt;
}

// A double holds every integer up to 2^53 exactly.
constexpr std::int64_t kExactDoubleInteger = std::int64_t{1} << 53;

std::optional<double> as_double(const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&value)) {
    if (*n > kExactDoubleInteger || *n < -kExactDoubleInteger) return std::nullopt;
    return static_cast<double>(*n);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> portable_value_misfit(const std::string& type, const Value& value) {
  const auto* text = std::get_if<std::string>(&value);
  if (type == "date")
    return text && is_date(*text) ? std::nullopt
                                  : std::optional<std::string>("a date YYYY-MM-DD that exists (years 1 to 9999)");
  if (type == "timestamp") {
    const TimestampShape shape = text ? timestamp_shape(*text) : TimestampShape::Invalid;
    if (shape == TimestampShape::Local) return std::nullopt;
    if (shape == TimestampShape::WithOffset)
      return "a timestamp without a UTC offset: the column stores none, so the offset would be "
             "dropped (write the local time it means)";
    return "a timestamp YYYY-MM-DD HH:MM:SS[.ffffff] that exists (at most microseconds)";
  }
  if (type == "uuid")
    return text && is_uuid(*text) ? std::nullopt
                                   : std::optional<std::string>("a uuid (8-4-4-4-12 hexadecimal digits)");
  if (type.starts_with("numeric(")) return numeric_misfit(type, value);
  if (type == "double") {
    if (as_double(value)) return std::nullopt;
    return "a number that a double holds exactly (integers up to 2^53)";
  }
  if (type == "real") {
    const std::optional<double> d = as_double(value);
    // A 4-byte real must print the way the value was written, or the
    // database would store another number.
    if (d && std::abs(*d) < 3.5e38 && std::isfinite(static_cast<float>(*d)) &&
        shortest(static_cast<float>(*d)) == shortest(*d))
      return std::nullopt;
    return "a number that a 4-byte real holds exactly (about 7 significant digits)";
  }
  return std::nullopt;  // the other types are checked by the config reader
}

std::string canonical_config_value(const std::string& type, const Value& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "1" : "0";
  if (type == "real" || type == "double") {
    if (const std::optional<double> d = as_double(value)) return compared(*d);
  }
  if (type.starts_with("numeric(")) {
    if (const std::optional<std::string> text = decimal_text(value)) return *text;
  }
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&value)) return shortest(*d);
  const std::string& text = std::get<std::string>(value);
  return canonical_stored_value(type, text);
}

std::string canonical_stored_value(const std::string& type, const std::string& text) {
  if (type == "boolean") {
    const std::string lower = ascii_lower(text);
    if (lower == "t" || lower == "true" || lower == "1") return "1";
    if (lower == "f" || lower == "false" || lower == "0") return "0";
    return text;
  }
  if (type == "real" || type == "double") {
    // Out of range once rounded to 15 digits (-1.79769313486232e+308): as printed.
    if (const std::optional<double> d = parse_double(text)) return compared(*d);
    return text;
  }
  if (type.starts_with("numeric(")) {
    static const std::regex shape(R"([+-]?\d+(\.\d+)?)");
    const auto point = text.find('.');
    const std::size_t fraction = point == std::string::npos ? 0 : text.size() - point - 1;
    if (std::regex_match(text, shape) && fraction <= static_cast<std::size_t>(precision_scale(type).second))
      return normal_decimal(text);
    // SQLite keeps a numeric as a double: back to the column's scale, as
    // PostgreSQL would round it.
    if (const std::optional<double> d = parse_double(text)) return normal_decimal(fixed(*d, precision_scale(type).second));
    return text;
  }
  if (type == "uuid") return ascii_lower(text);
  if (type == "timestamp" && timestamp_shape(text) == TimestampShape::Local) {
    std::string out = text;
    out[10] = ' ';
    if (const auto point = out.find('.'); point != std::string::npos) {
      while (out.back() == '0') out.pop_back();
      if (out.back() == '.') out.pop_back();
    }
    return out;
  }
  return text;
}

Value value_to_bind(const std::string& type, const Value& value) {
  if (type.starts_with("numeric(")) {
    if (const std::optional<std::string> text = decimal_text(value)) return *text;
  }
  return value;
}

}  // namespace addrmig
