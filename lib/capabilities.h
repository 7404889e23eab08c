#pragma once
// What the pure planner may assume about a dialect, as data. Each dialect
// fills one (lib/sqlite/dialect.cpp, lib/postgres/dialect.cpp); the planner
// reads it and never asks which dialect it is. No database header here.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig {

// What an existing address table needs, as intents the planner decided;
// a dialect turns them into Steps it can carry out.
struct TableRepairs {
  std::vector<Column> add_columns;  // config order, the FK column last
  std::vector<std::string> set_not_null;
  std::string drop_fk;  // a wrong FK replaced by add_fk
  std::optional<ForeignKey> add_fk;
  std::string validate_fk;  // a NOT VALID FK that is otherwise right
};

// Everything a dialect needs to carry out TableRepairs without ALTER TABLE
// support for constraints (SQLite: a table rebuild).
struct RepairRequest {
  const Table& existing;
  const Catalog& catalog;
  const TableRepairs& repairs;
  std::string fk_column;
  // Whether no row of fk_column lacks its parent, measured by the planner;
  // false after it added a blocker saying which rows do. `action` ends its
  // message ("... before the foreign key can be <action>"). For a repair
  // that re-checks a foreign key it keeps (SQLite's rebuild).
  std::function<bool(std::string_view action)> no_orphans;
};

struct RepairSteps {
  std::vector<Step> steps;
  std::vector<Finding> blockers;  // why the repairs cannot be done safely
};

struct Capabilities {
  Dialect dialect{};  // an identity (set by the factory), copied into the Plan
  std::string product_name;  // for messages: "SQLite", "PostgreSQL"
  // ALTER TABLE can add/drop constraints and SET NOT NULL in place; when
  // false, repair_without_alter below carries out such changes.
  bool alter_constraints = false;
  // FKs can be added NOT VALID and validated separately.
  bool not_valid_foreign_keys = false;
  bool schemas = false;                  // tables live in named schemas
  std::string default_schema;            // the schema of a table named without one
  std::size_t max_identifier_bytes = 0;  // 0: no limit; longer names are truncated
  // Table and column names compare ASCII case-insensitively (SQLite), else exactly.
  bool fold_case_names = false;
  // Indexes without CREATE INDEX text are a constraint's own (SQLite's
  // automatic indexes), never extra ones.
  bool automatic_indexes = false;
  // Whether an FK column of type `fk` can reference a key of type `key`;
  // null: only equal types. `key_type_rule` says the rule to a person.
  bool (*key_types_match)(const ColumnType& fk, const ColumnType& key) = nullptr;
  std::string key_type_rule = "exactly the parent key's type";
  // How the dialect stores a column's values ("INTEGER affinity"), where
  // types that differ only in spelling store values alike (SQLite); such a
  // difference is reported, not blocked. Null: every type difference counts.
  std::string (*storage_of)(const ColumnType& type) = nullptr;
  // Carries out repairs when !alter_constraints. Null otherwise.
  RepairSteps (*repair_without_alter)(const RepairRequest& request) = nullptr;
};

}  // namespace addrmig
