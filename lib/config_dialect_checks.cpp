#include <map>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/sql.h"
#include "lib/toml_fields.h"

// The config against one dialect's rules (its Capabilities): schemas where
// there are none, names that fold together, names longer than the dialect keeps.

namespace addrmig {
namespace {

// One name the database will see, with the config line that gave it.
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

// Where names match ASCII case-insensitively (SQLite), `street` and `STREET`
// are one column, and two parents `Customer`/`customer` one table.
void check_folded_name_clashes(const Config& config, const Capabilities& caps) {
  const std::string& product = caps.product_name;
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
                        "column " + shown(column.name) + " is the same " + product + " column as " +
                            shown(it->second) + " (" + product + " names ignore case); rename one");
  }
  std::map<std::string, std::string> tables;
  for (const ParentSpec& parent : config.parents) {
    auto [it, fresh] = tables.emplace(fold(parent.table), parent.table);
    if (!fresh)
      throw ConfigError(config.path, parent.line,
                        "parent " + shown(parent.table) + " is the same " + product + " table as " +
                            shown(it->second) + " (" + product + " names ignore case)");
  }
}

}  // namespace

void check_identifier_limits(const Config& config, Dialect dialect) {
  const Capabilities& caps = capabilities_of(dialect);
  if (!caps.schemas)
    for (const ParentSpec& parent : config.parents)
      if (!parent.schema.empty())
        throw ConfigError(config.path, parent.schema_line,
                          "'schema' is for PostgreSQL only, but the database is " +
                              caps.product_name);
  if (caps.fold_case_names) check_folded_name_clashes(config, caps);
  if (!caps.schemas && !config.history_schema.empty())
    throw ConfigError(config.path, config.history_schema_line,
                      "[history] schema is for PostgreSQL only, but the database is " +
                          caps.product_name);
  if (caps.max_identifier_bytes == 0) return;
  for (const NamedIdentifier& id : identifiers_of(config))
    if (ident_bytes(id.name) > caps.max_identifier_bytes)
      throw ConfigError(config.path, id.line,
                        id.what + " " + shown(id.name) + " is " +
                            std::to_string(ident_bytes(id.name)) + " bytes; " + caps.product_name +
                            " allows at most " + std::to_string(caps.max_identifier_bytes));
}

}  // namespace addrmig
