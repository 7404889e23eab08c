#pragma once
// The TOML config as typed values. Every node remembers its source line so a
// later check (planner, seed) can still point at the config.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lib/schema.h"

namespace addrmig {

// A seed value. TOML has no NULL, so neither do we.
using Value = std::variant<std::string, std::int64_t, double, bool>;
std::string value_display(const Value& value);  // 'text' quoted, numbers and true/false bare

struct ColumnSpec {
  std::string name;
  std::string type;  // canonical portable name (canonical_portable_type)
  bool nullable = false;
  std::optional<Value> default_value;
  int line = 0;
};

struct RelatedSpec {
  std::string name = "address";
  std::string foreign_key = "parent_id";
  OnDelete on_delete = OnDelete::Cascade;
  std::vector<ColumnSpec> columns;
  int line = 0;              // the [related] header; 0 when the table is absent
  int name_line = 0;         // lines of the keys, when given (else `line`)
  int foreign_key_line = 0;
  int on_delete_line = 0;
};

struct ParentSpec {
  std::string table;
  std::string schema;              // PostgreSQL only; empty = "public"
  std::optional<std::string> key;  // empty = the introspected primary key
  std::vector<ColumnSpec> columns; // used only to create a missing parent
  int line = 0;                    // the `table = ...` line
  int schema_line = 0;
  int key_line = 0;
};

struct FieldValue {
  std::string column;
  Value value;
  bool operator==(const FieldValue&) const = default;
};
using Row = std::vector<FieldValue>;  // config order

struct SeedSpec {
  std::string parent;  // ParentSpec::table
  Row values;
  std::vector<Row> addresses;
  int line = 0;                    // the `parent = ...` line
  int values_line = 0;
  std::vector<int> address_lines;  // one per address row, same order
};

struct Config {
  std::string path;                  // as given, for messages
  std::string checksum;              // sha256 hex of the file's bytes
  std::optional<std::string> database_url;
  int database_url_line = 0;
  // [database] connect_timeout: seconds libpq may take to connect.
  int connect_timeout_seconds = 10;
  int connect_timeout_line = 0;
  // [apply] lock_timeout: seconds every command waits for locks (apply: the
  // migration lock and table locks; read-only commands: table locks), 0: do
  // not wait. Unset: the CLI default (60); `--lock-timeout` overrides it.
  std::optional<int> lock_timeout_seconds;
  int lock_timeout_line = 0;
  // [apply] batch_size: at most this many parents per apply transaction.
  // Unset: all in one (`--batch-size` overrides it).
  std::optional<int> batch_size;
  // [history] schema: where PostgreSQL keeps addrmig_history. Empty: the
  // first parent's schema (see history_schema_for), which a role that can
  // create address tables can also write to.
  std::string history_schema;
  int history_schema_line = 0;
  RelatedSpec related;
  std::vector<ParentSpec> parents;
  std::vector<SeedSpec> seeds;

  // "<parent>_<related.name>"
  std::string address_table_name(const ParentSpec& parent) const;
  const ParentSpec* find_parent(const std::string& table) const;
};

// Reads and validates a config file. Throws ConfigError (file:line: message)
// on the first problem; never touches a database.
Config load_config(const std::string& path);
// Same, from text already in memory (tests, fuzzing). `path` names it in errors.
Config parse_config(std::string_view text, const std::string& path);

// Identifier length limits checked at load time need the dialect, which is
// known only once the URL is resolved: throws ConfigError on names longer than
// the dialect allows (PostgreSQL: 63 bytes, counting the "_address" suffix).
void check_identifier_limits(const Config& config, Dialect dialect);

}  // namespace addrmig
