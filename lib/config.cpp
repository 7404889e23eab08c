#include "lib/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <unordered_map>

#include "lib/checksum.h"
#include "lib/database_url.h"
#include "lib/errors.h"
#include "lib/identifier.h"
#include "lib/portable_value.h"

namespace addrmig {
namespace {

constexpr int kMaxTimeoutSeconds = 86400;
constexpr std::size_t kPostgresMaxIdentifierBytes = 63;  // NAMEDATALEN - 1
// Column names the generated tables use themselves.
constexpr std::string_view kIdColumn = "id";

// A name or value in a message: single-quoted and escaped.
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

// toml++ tables are sorted maps; config order is source order.
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

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// TOML dates and times as ISO 8601 text: fractional seconds without trailing
// zeros, a zero offset as Z.
std::string iso_date(const toml::date& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04u-%02u-%02u", unsigned{date.year}, unsigned{date.month},
                unsigned{date.day});
  return buffer;
}

std::string iso_time(const toml::time& time) {
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

std::string iso_date_time(const toml::date_time& value) {
  std::string out = iso_date(value.date) + "T" + iso_time(value.time);
  if (!value.offset) return out;
  const int minutes = value.offset->minutes;
  if (minutes == 0) return out + "Z";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  return out + buffer;
}

// What a value must be for a column of a portable type: nullopt when it fits,
// else why not ("an integer", "at most 20 characters").
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

// Reads one config document into a Config, checking as it goes. Every error
// is a ConfigError naming the file and the line of the offending node.
class ConfigReader {
 public:
  explicit ConfigReader(std::string path) : path_(std::move(path)) {}

  Config read(std::string_view text) {
    const toml::table document = parse(text);
    Config config;
    config.path = path_;
    config.checksum = sha256_hex(text);
    check_keys(document, {"database", "related", "parents", "seed", "apply", "history"},
               "at the top level");
    if (const toml::node* history = document.get("history")) read_history(*history, config);
    if (const toml::node* database = document.get("database")) read_database(*database, config);
    if (const toml::node* apply = document.get("apply")) read_apply(*apply, config);
    if (const toml::node* related = document.get("related")) read_related(*related, config.related);
    check_related(config.related);
    const toml::node* parents = document.get("parents");
    if (!parents) fail(0, "no [[parents]]: the config must name at least one parent table");
    read_parents(*parents, config);
    if (const toml::node* seeds = document.get("seed")) read_seeds(*seeds, config);
    // The URL is checked last, with the connect timeout it will be used with.
    if (config.database_url) check_url(config);
    return config;
  }

 private:
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
    if (const auto* v = node.as_date()) return iso_date(v->get());
    if (const auto* v = node.as_time()) return iso_time(v->get());
    if (const auto* v = node.as_date_time()) return iso_date_time(v->get());
    fail(line_of(node), std::string(what) + " must be a string, integer, float, boolean, date or time, not " +
                            std::string(kind_of(node)));
  }

  void read_database(const toml::node& node, Config& config) const {
    const toml::table& database = as_table(node, "[database]");
    check_keys(database, {"url", "connect_timeout"}, "in [database]");
    if (const toml::node* url = database.get("url")) {
      config.database_url = string_of(*url, "url");
      config.database_url_line = line_of(*url);
    }
    if (const toml::node* timeout = database.get("connect_timeout")) {
      config.connect_timeout_seconds = seconds_of(*timeout, "connect_timeout");
      config.connect_timeout_line = line_of(*timeout);
    }
  }

  void read_apply(const toml::node& node, Config& config) const {
    const toml::table& apply = as_table(node, "[apply]");
    check_keys(apply, {"lock_timeout"}, "in [apply]");
    if (const toml::node* timeout = apply.get("lock_timeout")) {
      config.lock_timeout_seconds = seconds_of(*timeout, "lock_timeout", 0);
      config.lock_timeout_line = line_of(*timeout);
    }
  }

  void read_history(const toml::node& node, Config& config) const {
    const toml::table& history = as_table(node, "[history]");
    check_keys(history, {"schema"}, "in [history]");
    if (const toml::node* schema = history.get("schema")) {
      config.history_schema = name_of(*schema, "schema");
      config.history_schema_line = line_of(*schema);
    }
  }

  void check_url(const Config& config) const {
    try {
      parse_database_url(*config.database_url, config.connect_timeout_seconds);
    } catch (const UsageError& e) {
      fail(config.database_url_line, e.what());
    }
  }

  ColumnSpec read_column(const toml::table& table, std::string_view where) const {
    check_keys(table, {"name", "type", "nullable", "default"}, where);
    ColumnSpec column;
    column.line = line_of(table);
    const toml::node& name = required(table, "name", where);
    column.name = name_of(name, "name");
    const toml::node& type = required(table, "type", where);
    const std::string type_text = string_of(type, "type");
    const std::optional<std::string> canonical = canonical_portable_type(type_text);
    if (!canonical)
      fail(line_of(type),
           "unknown column type " + shown(type_text) +
               " (expected text, varchar(N), integer, bigint, boolean, real, double, "
               "numeric(P,S), date, timestamp or uuid)");
    column.type = *canonical;
    if (const toml::node* nullable = table.get("nullable"))
      column.nullable = bool_of(*nullable, "nullable");
    if (const toml::node* value = table.get("default")) {
      column.default_value = value_of(*value, "'default'");
      if (const auto wanted = misfit(column.type, *column.default_value))
        fail(line_of(*value), "default of column " + shown(column.name) + " (" + column.type +
                                  ") must be " + *wanted);
    }
    return column;
  }

  std::vector<ColumnSpec> read_columns(const toml::node& node, std::string_view owner) const {
    const std::string what = "'columns' of " + std::string(owner);
    const std::string where = "in a column of " + std::string(owner);
    std::vector<ColumnSpec> columns;
    for (const toml::table* table : tables_of(node, what)) {
      ColumnSpec column = read_column(*table, where);
      if (column.name == kIdColumn)
        fail(column.line, "column 'id' in " + std::string(owner) +
                              " clashes with the generated primary key 'id'");
      for (const ColumnSpec& earlier : columns)
        if (earlier.name == column.name)
          fail(column.line, "duplicate column " + shown(column.name) + " in " + std::string(owner) +
                                " (first at line " + std::to_string(earlier.line) + ")");
      columns.push_back(std::move(column));
    }
    return columns;
  }

  void read_related(const toml::node& node, RelatedSpec& related) const {
    const toml::table& table = as_table(node, "[related]");
    check_keys(table, {"name", "foreign_key", "on_delete", "columns"}, "in [related]");
    related.line = line_of(table);
    related.name_line = related.foreign_key_line = related.on_delete_line = related.line;
    if (const toml::node* name = table.get("name")) {
      related.name = name_of(*name, "name");
      related.name_line = line_of(*name);
    }
    if (const toml::node* fk = table.get("foreign_key")) {
      related.foreign_key = name_of(*fk, "foreign_key");
      related.foreign_key_line = line_of(*fk);
    }
    if (const toml::node* on_delete = table.get("on_delete")) {
      const std::string text = string_of(*on_delete, "on_delete");
      related.on_delete_line = line_of(*on_delete);
      const std::optional<OnDelete> action = parse_on_delete(text);
      // SET DEFAULT would set the NOT NULL foreign key column to its default,
      // and it has none.
      if (action == OnDelete::SetDefault)
        fail(related.on_delete_line,
             "on_delete = \"set default\" needs a default on the foreign key column " +
                 shown(related.foreign_key) + ", which has none");
      if (!action)
        fail(related.on_delete_line, "unknown on_delete " + shown(text) +
                                         " (expected cascade, restrict, set null or no action)");
      related.on_delete = *action;
    }
    if (const toml::node* columns = table.get("columns"))
      related.columns = read_columns(*columns, "[related]");
  }

  void check_related(const RelatedSpec& related) const {
    if (related.foreign_key == kIdColumn)
      fail(related.foreign_key_line,
           "foreign_key 'id' clashes with the address table's own primary key 'id'");
    for (const ColumnSpec& column : related.columns)
      if (column.name == related.foreign_key)
        fail(column.line,
             "column " + shown(column.name) + " in [related] clashes with the foreign key column");
    if (related.on_delete == OnDelete::SetNull)
      fail(related.on_delete_line,
           "on_delete = \"set null\" contradicts the NOT NULL foreign key column " +
               shown(related.foreign_key));
  }

  void read_parents(const toml::node& node, Config& config) const {
    ParentNames names;
    for (const toml::table* table : tables_of(node, "[[parents]]")) {
      check_keys(*table, {"table", "schema", "key", "columns"}, "in [[parents]]");
      ParentSpec parent;
      const toml::node& name = required(*table, "table", "in [[parents]]");
      parent.table = name_of(name, "table");
      parent.line = line_of(name);
      if (const toml::node* schema = table->get("schema")) {
        parent.schema = name_of(*schema, "schema");
        parent.schema_line = line_of(*schema);
      }
      if (const toml::node* key = table->get("key")) {
        parent.key = name_of(*key, "key");
        parent.key_line = line_of(*key);
      }
      if (const toml::node* columns = table->get("columns"))
        parent.columns = read_columns(*columns, "parent " + shown(parent.table));
      check_new_parent(config, names, parent);
      names.tables.emplace(parent.table, config.parents.size());
      names.address_tables.emplace(config.address_table_name(parent), config.parents.size());
      config.parents.push_back(std::move(parent));
    }
    if (config.parents.empty())
      fail(line_of(node), "no [[parents]]: the config must name at least one parent table");
  }

  // The parents read so far by table name and by address table name, each to
  // its position in Config::parents: a config of thousands of parents is
  // checked in linear time, not by comparing every pair.
  struct ParentNames {
    std::unordered_map<std::string, std::size_t> tables;
    std::unordered_map<std::string, std::size_t> address_tables;
  };

  static std::size_t position(const std::unordered_map<std::string, std::size_t>& names,
                              const std::string& name) {
    auto it = names.find(name);
    return it == names.end() ? kNowhere : it->second;
  }
  static constexpr std::size_t kNowhere = std::numeric_limits<std::size_t>::max();

  // Seeds name parents by table alone, so a table name is unique even across
  // schemas; and no parent may be another parent's address table. The clash
  // reported is the one with the earliest parent (a pair clashes one way only).
  void check_new_parent(const Config& config, const ParentNames& names,
                        const ParentSpec& parent) const {
    const std::size_t duplicate = position(names.tables, parent.table);
    const std::size_t owner = position(names.address_tables, parent.table);
    const std::size_t taken = position(names.tables, config.address_table_name(parent));
    const std::size_t first = std::min({duplicate, owner, taken});
    if (first == kNowhere) return;
    const ParentSpec& earlier = config.parents[first];
    if (first == duplicate)
      fail(parent.line, "duplicate parent " + shown(parent.table) + " (first at line " +
                            std::to_string(earlier.line) + ")");
    if (first == owner)
      fail(parent.line, "parent " + shown(parent.table) + " is also the address table of parent " +
                            shown(earlier.table) + " (line " + std::to_string(earlier.line) + ")");
    fail(parent.line, "the address table of parent " + shown(parent.table) + " is parent " +
                          shown(earlier.table) + " (line " + std::to_string(earlier.line) + ")");
  }

  // A seed row: column names in source order, each checked against the
  // declared columns when there are any.
  Row read_row(const toml::table& table, std::string_view what,
               const std::vector<ColumnSpec>* columns, std::string_view owner) const {
    Row row;
    for (const auto& [key, value] : in_source_order(table)) {
      const std::string column_name(key->str());
      check_name(column_name, line_of(*key), "column name");
      FieldValue field{column_name, value_of(*value, "seed value " + shown(column_name))};
      if (columns) {
        const auto spec = std::find_if(columns->begin(), columns->end(),
                                       [&](const ColumnSpec& c) { return c.name == column_name; });
        if (spec == columns->end())
          fail(line_of(*key), std::string(what) + " names unknown column " + shown(column_name) +
                                  " of " + std::string(owner));
        if (const auto wanted = misfit(spec->type, field.value))
          fail(line_of(*value), "seed value for column " + shown(column_name) + " (" + spec->type +
                                    ") must be " + *wanted);
      }
      row.push_back(std::move(field));
    }
    if (columns) check_required_columns(row, *columns, line_of(table), what, owner);
    return row;
  }

  // NOT NULL columns without a default would make the insert fail.
  void check_required_columns(const Row& row, const std::vector<ColumnSpec>& columns, int line,
                              std::string_view what, std::string_view owner) const {
    for (const ColumnSpec& column : columns) {
      if (column.nullable || column.default_value) continue;
      const bool given = std::any_of(row.begin(), row.end(),
                                     [&](const FieldValue& f) { return f.column == column.name; });
      if (!given)
        fail(line, std::string(what) + " lacks NOT NULL column " + shown(column.name) + " of " +
                       std::string(owner));
    }
  }

  void read_seeds(const toml::node& node, Config& config) const {
    for (const toml::table* table : tables_of(node, "[[seed]]")) {
      check_keys(*table, {"parent", "values", "addresses"}, "in [[seed]]");
      SeedSpec seed;
      const toml::node& parent_node = required(*table, "parent", "in [[seed]]");
      seed.parent = name_of(parent_node, "parent");
      seed.line = line_of(parent_node);
      const ParentSpec* parent = config.find_parent(seed.parent);
      if (!parent) fail(seed.line, "seed names unknown parent " + shown(seed.parent));
      const std::string parent_owner = "parent " + shown(parent->table);
      // A parent declared without columns exists already; we cannot know its columns.
      const std::vector<ColumnSpec>* parent_columns =
          parent->columns.empty() ? nullptr : &parent->columns;

      const toml::node& values = required(*table, "values", "in [[seed]]");
      seed.values_line = line_of(values);
      seed.values =
          read_row(as_table(values, "'values'"), "seed value", parent_columns, parent_owner);
      if (seed.values.empty())
        fail(seed.values_line,
             "seed 'values' is empty: it needs at least one column to find the parent row by");
      for (const SeedSpec& earlier : config.seeds)
        if (earlier.parent == seed.parent && earlier.values == seed.values)
          fail(seed.line, "duplicate seed for parent " + shown(seed.parent) +
                              " with the same values (first at line " +
                              std::to_string(earlier.line) + ")");

      if (const toml::node* addresses = table->get("addresses")) {
        for (const toml::table* row : tables_of(*addresses, "'addresses'")) {
          seed.addresses.push_back(
              read_row(*row, "seed address", &config.related.columns, "[related]"));
          seed.address_lines.push_back(line_of(*row));
        }
      }
      config.seeds.push_back(std::move(seed));
    }
  }

  std::string path_;
};

// Reads a whole file as bytes; errno explains a failure.
std::optional<std::string> read_bytes(const std::string& path, int& error) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    error = errno;
    return std::nullopt;
  }
  std::string bytes;
  char buffer[65536];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    bytes.append(buffer, count);
  if (std::ferror(file.get())) {
    error = errno;
    return std::nullopt;
  }
  return bytes;
}

// One name that PostgreSQL will see, with the config line that gave it.
struct NamedIdentifier {
  std::string what;  // "table name", "address table name", ...
  std::string name;
  int line = 0;
};

std::vector<NamedIdentifier> identifiers_of(const Config& config) {
  std::vector<NamedIdentifier> names;
  const RelatedSpec& related = config.related;
  names.push_back({"foreign key column", related.foreign_key, related.foreign_key_line});
  for (const ColumnSpec& column : related.columns)
    names.push_back({"column name", column.name, column.line});
  for (const ParentSpec& parent : config.parents) {
    names.push_back({"table name", parent.table, parent.line});
    names.push_back({"address table name", config.address_table_name(parent), parent.line});
    if (!parent.schema.empty()) names.push_back({"schema name", parent.schema, parent.schema_line});
    if (parent.key) names.push_back({"key column", *parent.key, parent.key_line});
    for (const ColumnSpec& column : parent.columns)
      names.push_back({"column name", column.name, column.line});
  }
  for (const SeedSpec& seed : config.seeds)
    for (const FieldValue& field : seed.values)
      names.push_back({"column name", field.column, seed.values_line});
  return names;
}

}  // namespace

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

std::string Config::address_table_name(const ParentSpec& parent) const {
  return parent.table + "_" + related.name;
}

const ParentSpec* Config::find_parent(const std::string& table) const {
  for (const ParentSpec& parent : parents)
    if (parent.table == table) return &parent;
  return nullptr;
}

Config load_config(const std::string& path) {
  int error = 0;
  const std::optional<std::string> bytes = read_bytes(path, error);
  if (!bytes)
    throw ConfigError(path, "cannot read config " + shown(path) + ": " + std::strerror(error));
  return parse_config(*bytes, path);
}

Config parse_config(std::string_view text, const std::string& path) {
  return ConfigReader(path).read(text);
}

namespace {

// SQLite matches column and table names ASCII case-insensitively: `street`
// and `STREET` are one column there, and two parents `Customer`/`customer`
// one table.
void check_sqlite_name_clashes(const Config& config) {
  const auto fold = [](std::string name) {
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return name;
  };
  std::map<std::string, std::string> columns{{fold(config.related.foreign_key), config.related.foreign_key}};
  for (const ColumnSpec& column : config.related.columns) {
    auto [it, fresh] = columns.emplace(fold(column.name), column.name);
    if (!fresh)
      throw ConfigError(config.path, column.line,
                        "column " + shown(column.name) + " is the same SQLite column as " +
                            shown(it->second) + " (SQLite names ignore case); rename one");
  }
  std::map<std::string, std::string> tables;
  for (const ParentSpec& parent : config.parents) {
    auto [it, fresh] = tables.emplace(fold(parent.table), parent.table);
    if (!fresh)
      throw ConfigError(config.path, parent.line,
                        "parent " + shown(parent.table) + " is the same SQLite table as " +
                            shown(it->second) + " (SQLite names ignore case)");
  }
}

}  // namespace

void check_identifier_limits(const Config& config, Dialect dialect) {
  if (dialect == Dialect::Sqlite) {
    for (const ParentSpec& parent : config.parents)
      if (!parent.schema.empty())
        throw ConfigError(config.path, parent.schema_line,
                          "'schema' is for PostgreSQL only, but the database is SQLite");
    check_sqlite_name_clashes(config);
    if (!config.history_schema.empty())
      throw ConfigError(config.path, config.history_schema_line,
                        "[history] schema is for PostgreSQL only, but the database is SQLite");
    return;
  }
  for (const NamedIdentifier& id : identifiers_of(config))
    if (ident_bytes(id.name) > kPostgresMaxIdentifierBytes)
      throw ConfigError(
          config.path, id.line,
          id.what + " " + shown(id.name) + " is " + std::to_string(ident_bytes(id.name)) +
              " bytes; PostgreSQL allows at most " + std::to_string(kPostgresMaxIdentifierBytes));
}

}  // namespace addrmig
