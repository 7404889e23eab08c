#include "lib/toml_fields.h"

#include <cstdio>
#include <cstdlib>

namespace addrmig {
std::string shown(std::string_view text) { return "'" + escape_control(text) + "'"; }

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }
int line_of(const toml::key& key) { return static_cast<int>(key.source().begin.line); }

std::string_view kind_of(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::vector<std::pair<const toml::key*, const toml::node*>> in_source_order(
    const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

std::string iso_text(const toml::date& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04u-%02u-%02u", unsigned{date.year}, unsigned{date.month},
                unsigned{date.day});
  return buffer;
}

std::string iso_text(const toml::time& time) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02u:%02u:%02u", unsigned{time.hour}, unsigned{time.minute},
                unsigned{time.second});
  std::string out = buffer;
  if (time.nanosecond == 0) return out;
  std::snprintf(buffer, sizeof buffer, ".%09u", unsigned{time.nanosecond});
  std::string fraction = buffer;
  while (fraction.back() == '0') fraction.pop_back();
  return out + fraction;
}

std::string iso_text(const toml::date_time& value) {
  std::string out = iso_text(value.date) + "T" + iso_text(value.time);
  if (!value.offset) return out;
  const int minutes = value.offset->minutes;
  if (minutes == 0) return out + "Z";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  return out + buffer;
}

}  // namespace addrmig
