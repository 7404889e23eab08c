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
#include <memory>
#include <unordered_map>

#include "lib/checksum.h"
#include "lib/database_url.h"
#include "lib/errors.h"
#include "lib/portable_value.h"
#include "lib/sql.h"
#include "lib/toml_fields.h"

namespace addrmig {
namespace {

// Column names the generated tables use themselves.
constexpr std::string_view kIdColumn = "id";

// Reads one config document into a Config, checking as it goes. Every error
// is a ConfigError naming the file and the line of the offending node.
class ConfigReader : private TomlFields {
 public:
  explicit ConfigReader(std::string path) : TomlFields(std::move(path)) {}

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
    check_keys(apply, {"lock_timeout", "batch_size"}, "in [apply]");
    if (const toml::node* timeout = apply.get("lock_timeout")) {
      config.lock_timeout_seconds = seconds_of(*timeout, "lock_timeout", 0);
      config.lock_timeout_line = line_of(*timeout);
    }
    if (const toml::node* size = apply.get("batch_size")) {
      const auto* value = size->as_integer();
      if (!value || value->get() < 1 || value->get() > 1'000'000)
        fail(line_of(*size), "'batch_size' must be a whole number of parents from 1 to 1000000");
      config.batch_size = static_cast<int>(value->get());
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

}  // namespace

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

}  // namespace addrmig
