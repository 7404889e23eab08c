#pragma once
// The desired state: what the config asks for, as model objects (columns,
// the address table, its FK and FK index), for one parent at a time.

#include <string>

#include "lib/capabilities.h"
#include "lib/config.h"
#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig::planner {

// One parent being planned: the config, what was inspected, and where its
// two tables live.
struct ParentContext {
  const Config& config;
  const ParentSpec& spec;
  const Catalog& catalog;
  const Capabilities& caps;
  TableRef parent;
  TableRef address;

  const std::string& fk_column() const { return config.related.foreign_key; }
};

// The parent column the address FK references.
struct ParentKey {
  std::string column;
  ColumnType type;
  bool is_primary_key = false;  // an FK with implicit ref columns (SQLite) points here
  bool parent_created = false;  // the parent is new, hence empty, in this plan
};

Column column_from_spec(const ColumnSpec& spec);
// The surrogate key every table addrmig creates.
Column generated_id_column();
bool needs_value(const Column& column);  // NOT NULL without a default

ForeignKey desired_foreign_key(const ParentContext& ctx, const ParentKey& key);
// Its name numbered when any relation of the schema (another index, a
// table, a sequence...) or an index of `existing` holds it: CREATE INDEX
// would fail.
Index desired_fk_index(const ParentContext& ctx, const Table* existing = nullptr);
Column desired_fk_column(const ParentContext& ctx, const ParentKey& key);
Table desired_address_table(const ParentContext& ctx, const ParentKey& key);
Table desired_parent_table(const ParentContext& ctx);

}  // namespace addrmig::planner
