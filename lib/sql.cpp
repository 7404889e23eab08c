#include "lib/sql.h"

#include <cstdint>
#include <cstdio>

#include "lib/errors.h"

namespace addrmig {
namespace {

std::string quote_with(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back(quote);
  for (char c : text) {
    if (c == '\0') throw Error("name or value contains a NUL byte");
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

// FNV-1a, 32 bits: tiny, stable across platforms and releases, which is all a
// name suffix needs (it is not a security boundary).
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

// Back up to the start of a UTF-8 sequence so a cut never splits a character.
std::size_t utf8_boundary(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() &&
         (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
    --at;
  return at;
}

// Length of the valid UTF-8 sequence at text[at], or 0.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  const std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || at + n > text.size() || (n == 2 && lead < 0xc2)) return 0;
  for (std::size_t i = 1; i < n; ++i)
    if ((byte(at + i) >> 6) != 0x2) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  const unsigned char second = n > 1 ? byte(at + 1) : 0;
  if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) || (lead == 0xf0 && second < 0x90) ||
      (lead == 0xf4 && second >= 0x90) || lead > 0xf4)
    return 0;
  return n;
}

}  // namespace

std::string escape_control(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_invalid_utf8(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t n = utf8_length(text, at)) {
      out.append(text.substr(at, n));
      at += n;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[at++]);
    ((out += "\\x") += kHex[byte >> 4]) += kHex[byte & 0xf];
  }
  return out;
}

std::string quote_ident(std::string_view name) {
  if (name.empty()) throw Error("empty identifier");
  return quote_with(name, '"');
}

std::string quote_qualified(std::string_view schema, std::string_view name) {
  if (schema.empty()) return quote_ident(name);
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_qualified(const TableRef& table) {
  return quote_qualified(table.schema, table.name);
}

std::string quote_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + quote_ident(name);
  return out;
}

std::string sql_comment(std::string_view text) { return escape_control(text); }

std::string statement_comment(const Step& step, std::string_view fallback,
                              std::string_view detail) {
  std::string out(step.comment.empty() ? fallback : std::string_view(step.comment));
  if (!detail.empty()) (out += ": ") += detail;
  return sql_comment(out);
}

std::string quote_literal(std::string_view value) { return quote_with(value, '\''); }

std::string shorten_ident(std::string_view name, std::size_t max_bytes) {
  if (max_bytes == 0 || name.size() <= max_bytes) return std::string(name);
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", fnv1a(name));
  std::size_t keep = utf8_boundary(name, max_bytes - 9);
  return std::string(name.substr(0, keep)) + suffix;
}

}  // namespace addrmig
