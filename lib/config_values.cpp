#include "lib/toml_fields.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include "lib/portable_value.h"


// What config values mean: whether one fits a portable column type, and how
// one is shown in messages.

namespace addrmig {
namespace {

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

}  // namespace

// What a value must be for a column of a portable type.
std::optional<std::string> misfit(const std::string& type, const Value& value) {
  const bool is_string = std::holds_alternative<std::string>(value);
  const bool is_integer = std::holds_alternative<std::int64_t>(value);
  if (type == "boolean")
    return std::holds_alternative<bool>(value) ? std::nullopt
                                               : std::optional<std::string>("a boolean");
  if (type == "integer") {
    // Portable integer is 4 bytes on PostgreSQL.
    if (!is_integer) return "an integer";
    const std::int64_t n = std::get<std::int64_t>(value);
    if (n < std::numeric_limits<std::int32_t>::min() ||
        n > std::numeric_limits<std::int32_t>::max())
      return "an integer that fits in 32 bits";
    return std::nullopt;
  }
  if (type == "bigint") return is_integer ? std::nullopt : std::optional<std::string>("an integer");
  if (type == "real" || type == "double" || type.starts_with("numeric(") || type == "date" ||
      type == "timestamp" || type == "uuid")
    return portable_value_misfit(type, value);
  if (!is_string) return "a string";
  if (type.starts_with("varchar(")) {
    const std::size_t limit = std::stoul(type.substr(8));
    if (utf8_length(std::get<std::string>(value)) > limit)
      return "a string of at most " + std::to_string(limit) + " characters";
  }
  return std::nullopt;
}

std::string value_display(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    std::string out = "'";
    for (char c : *text) {
      switch (c) {
        case '\'':
          out += "\\'";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default: {
          const auto byte = static_cast<unsigned char>(c);
          if (byte < 0x20 || byte == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xf]);
          } else {
            out.push_back(c);
          }
        }
      }
    }
    return out + "'";
  }
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&value)) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, *number);
    std::string out(buffer, result.ptr);
    // Keep a float recognisable as one: 1.0, not 1 (as Python prints it).
    if (out.find_first_of(".eni") == std::string::npos) out += ".0";
    return out;
  }
  return std::get<bool>(value) ? "true" : "false";
}

}  // namespace addrmig
