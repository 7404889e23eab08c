#pragma once
// Typed reads of TOML nodes for the config reader (lib/config.cpp): every
// failure is a ConfigError naming the file and the node's line.

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/config.h"
#include "lib/errors.h"
#include "lib/sql.h"

namespace addrmig {

inline constexpr int kMaxTimeoutSeconds = 86400;

// A name or value in a message: single-quoted and escaped.
std::string shown(std::string_view text);

int line_of(const toml::node& node);
int line_of(const toml::key& key);
std::string_view kind_of(const toml::node& node);  // "a string", "an integer", ...

// toml++ tables are sorted maps; config order is source order.
std::vector<std::pair<const toml::key*, const toml::node*>> in_source_order(const toml::table& table);

// TOML dates and times as ISO 8601 text: fractional seconds without trailing
// zeros, a zero offset as Z.
std::string iso_text(const toml::date& date);
std::string iso_text(const toml::time& time);
std::string iso_text(const toml::date_time& value);

// What a value must be for a column of a portable type: nullopt when it fits,
// else why not ("an integer", "at most 20 characters").
std::optional<std::string> misfit(const std::string& type, const Value& value);

class TomlFields {
 protected:
  explicit TomlFields(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(int line, const std::string& message) const {
    if (line == 0) throw ConfigError(path_, path_ + ": " + message);
    throw ConfigError(path_, line, message);
  }

  toml::table parse(std::string_view text) const {
    try {
      return toml::parse(text, std::string_view(path_));
    } catch (const toml::parse_error& e) {
      fail(static_cast<int>(e.source().begin.line),
           "TOML syntax error: " + escape_control(e.description()));
    }
  }

  const toml::table& as_table(const toml::node& node, std::string_view what) const {
    if (const toml::table* table = node.as_table()) return *table;
    fail(line_of(node), std::string(what) + " must be a table, not " + std::string(kind_of(node)));
  }

  // An array of tables: `[[parents]]`, or `parents = [ {...}, ... ]`.
  std::vector<const toml::table*> tables_of(const toml::node& node, std::string_view what) const {
    const toml::array* array = node.as_array();
    if (!array)
      fail(line_of(node),
           std::string(what) + " must be an array of tables, not " + std::string(kind_of(node)));
    std::vector<const toml::table*> tables;
    for (const toml::node& element : *array) {
      const toml::table* table = element.as_table();
      if (!table)
        fail(line_of(element), "each entry of " + std::string(what) + " must be a table, not " +
                                   std::string(kind_of(element)));
      tables.push_back(table);
    }
    return tables;
  }

  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                  std::string_view where) const {
    for (const auto& [key, node] : in_source_order(table))
      if (std::find(allowed.begin(), allowed.end(), key->str()) == allowed.end())
        fail(line_of(*key), "unknown key " + shown(key->str()) + " " + std::string(where));
  }

  const toml::node& required(const toml::table& table, std::string_view key,
                             std::string_view where) const {
    if (const toml::node* node = table.get(key)) return *node;
    fail(line_of(table), "missing key '" + std::string(key) + "' " + std::string(where));
  }

  std::string string_of(const toml::node& node, std::string_view key) const {
    if (const auto* value = node.as_string()) return value->get();
    fail(line_of(node),
         "'" + std::string(key) + "' must be a string, not " + std::string(kind_of(node)));
  }

  bool bool_of(const toml::node& node, std::string_view key) const {
    if (const auto* value = node.as_boolean()) return value->get();
    fail(line_of(node),
         "'" + std::string(key) + "' must be a boolean, not " + std::string(kind_of(node)));
  }

  // `minimum`: 0 for lock_timeout ("do not wait"), 1 for connect_timeout
  // (libpq reads 0 as "wait forever").
  int seconds_of(const toml::node& node, std::string_view key, int minimum = 1) const {
    const auto* value = node.as_integer();
    if (!value || value->get() < minimum || value->get() > kMaxTimeoutSeconds)
      fail(line_of(node), "'" + std::string(key) +
                              "' must be a whole number of seconds from " + std::to_string(minimum) +
                              " to " + std::to_string(kMaxTimeoutSeconds));
    return static_cast<int>(value->get());
  }

  // A name that will become an identifier. Databases take almost anything in
  // a quoted identifier, but a control character (newline, NUL) in a name
  // would break the one-line messages and the `--` comments of `plan --sql`.
  void check_name(std::string_view name, int line, std::string_view what) const {
    if (name.empty()) fail(line, "empty name: " + std::string(what) + " must not be empty");
    const bool has_control = std::any_of(name.begin(), name.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte < 0x20 || byte == 0x7f;
    });
    if (has_control)
      fail(line, std::string(what) + " contains a control character: " + shown(name));
  }

  std::string name_of(const toml::node& node, std::string_view key) const {
    std::string name = string_of(node, key);
    check_name(name, line_of(node), "'" + std::string(key) + "'");
    return name;
  }

  Value value_of(const toml::node& node, std::string_view what) const {
    if (const auto* v = node.as_string()) {
      // libpq passes text as C strings (PostgreSQL cuts it at the NUL) and
      // text cannot hold one anyway: refuse rather than store another value.
      if (v->get().find('\0') != std::string::npos)
        fail(line_of(node), std::string(what) +
                                " contains a NUL character (\\u0000), which PostgreSQL text cannot "
                                "hold and addrmig would not store faithfully; remove it");
      return v->get();
    }
    if (const auto* v = node.as_integer()) return v->get();
    if (const auto* v = node.as_floating_point()) {
      // nan never equals itself, so verify could not find the row again.
      if (!std::isfinite(v->get()))
        fail(line_of(node), std::string(what) + " must be a finite number");
      return v->get();
    }
    if (const auto* v = node.as_boolean()) return v->get();
    // TOML's own dates and times, as the ISO 8601 text they stand for; the
    // column type then decides whether they fit (an offset does not fit a
    // timestamp column, which stores none).
    if (const auto* v = node.as_date()) return iso_text(v->get());
    if (const auto* v = node.as_time()) return iso_text(v->get());
    if (const auto* v = node.as_date_time()) return iso_text(v->get());
    fail(line_of(node), std::string(what) + " must be a string, integer, float, boolean, date or time, not " +
                            std::string(kind_of(node)));
  }

  std::string path_;
};

}  // namespace addrmig
