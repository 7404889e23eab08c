#pragma once
// A Plan is data: per parent, the findings (what differs from the config),
// the blockers (findings of Blocker severity) and the ordered steps that
// repair the rest. Steps are dialect-neutral Changes; a Renderer turns them
// into SQL (atlas migrate.Change / migrate.Plan).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lib/schema.h"

namespace addrmig {

enum class FindingKind {
  ParentMissing,        // parent table absent (created from columns, or blocker)
  ParentKeyUnusable,    // no single-column primary key / configured key not found
  TableMissing,         // address table absent (created)
  NotAddressTable,      // a table of the address name that is clearly something else
  ColumnMissing,
  ColumnTypeDiffers,
  ColumnNullability,    // NOT NULL differs (Change when NULLs can be excluded, else Blocker/Info)
  ForeignKeyMissing,
  ForeignKeyWrongTarget,
  ForeignKeyWrongOnDelete,
  ForeignKeyNotValidated,
  ForeignKeyTypeMismatch,  // FK column type differs from the parent key
  IndexMissing,
  IndexInvalid,         // informational: left by a failed CREATE INDEX CONCURRENTLY
  Orphans,              // FK values with no parent row
  NullForeignKeys,      // NULLs in the FK column block SET NOT NULL
  ExtraColumn,          // informational
  ExtraIndex,           // informational
  ExtraTable,           // informational: a *_<related> table no parent names
  RebuildUnsafe,        // SQLite: a needed rebuild would lose schema the model lacks
  NameTaken,            // a view/sequence/index/... holds a name a table needs
  RowSecurity,          // PostgreSQL: RLS would hide rows from a data check
  SchemaMissing,        // PostgreSQL: a configured schema does not exist
  Privilege,            // the role may not make a change the plan needs
  TableShape,           // PostgreSQL: a partition, typed table or inheritance parent
  ForeignKeyConflict,   // another foreign key on the FK column contradicts the config
  SeedIncomplete,       // a [[seed]] lacks a value a NOT NULL column needs
  LockTableTooSmall,    // PostgreSQL: one transaction would need more lock slots than the server has
};
std::string_view finding_kind_name(FindingKind kind);  // "column_missing", ...

enum class Severity {
  Info,     // reported, needs nothing (extra columns/indexes)
  Change,   // differs; a step repairs it
  Blocker,  // differs; cannot be repaired safely; the plan is blocked
};
std::string_view severity_name(Severity severity);  // "info" | "change" | "blocker"

struct Finding {
  FindingKind kind;
  Severity severity = Severity::Change;
  TableRef table;
  std::string column;
  std::string expected;
  std::string found;
  std::string message;               // one line a person can act on
  std::int64_t count = 0;            // Orphans, NullForeignKeys
  std::vector<std::string> samples;  // Orphans: up to 5 ids
};

// Changes, verb + noun (atlas). Each renders to one or more statements.
struct CreateTable { Table table; };  // columns, PK and FKs; indexes separately
struct AddColumn { TableRef table; Column column; };
struct AddForeignKey { TableRef table; ForeignKey fk; };  // PG: NOT VALID when !fk.validated
struct ValidateForeignKey { TableRef table; std::string name; };
struct DropForeignKey { TableRef table; std::string name; };  // PG, to replace a wrong FK
struct CreateIndex { TableRef table; Index index; };
struct SetNotNull { TableRef table; std::string column; };

// The name a SQLite rebuild creates the new table under before it drops the
// old one and renames the new one into place. The planner blocks a rebuild
// when a table of this name exists already.
std::string rebuild_table_name(const std::string& table);

// SQLite: rebuild `from` into `to` (sqlite.org/lang_altertable.html#otheralter):
// create the new table, copy every row of the shared columns, drop the old,
// rename, recreate indexes, triggers and views. `copy_columns` lists the
// columns copied (present in both).
struct RebuildTable {
  Table from;
  Table to;
  std::vector<std::string> copy_columns;
  std::vector<SchemaObject> dependent_views;
  std::vector<SchemaObject> dependent_view_triggers;  // on those views, recreated after them
};

using Change = std::variant<CreateTable, AddColumn, AddForeignKey, ValidateForeignKey,
                            DropForeignKey, CreateIndex, SetNotNull, RebuildTable>;

struct Step {
  Change change;
  std::string comment;  // why, for people: "create table customer_address"
};

// One rendered SQL statement.
struct Statement {
  std::string sql;      // no trailing ';'
  std::string comment;  // one line, printed as "-- comment" before it; may be empty
  // Runs after the migration transaction commits, in a transaction of its own
  // (PostgreSQL VALIDATE CONSTRAINT, so that the write-blocking lock of ADD
  // CONSTRAINT is not held through the long scan). A failure leaves the
  // committed part in place.
  bool after_commit = false;
};

enum class ParentStatus { Ok, Create, Change, Blocked };
std::string_view parent_status_name(ParentStatus status);  // "ok" | "create" | ...

// The link the plan makes or keeps between a parent and its address table,
// for pictures of the plan (markdown's diagram). key_column is empty when the
// parent has no usable key.
struct Relationship {
  std::string key_column;  // the parent column the FK references
  std::string key_type;    // its type, as shown to people
  std::string fk_column;   // the address table's FK column
  OnDelete on_delete = OnDelete::Cascade;
};

struct ParentPlan {
  std::string parent;      // ParentSpec::table (config name)
  TableRef parent_table;
  TableRef address_table;
  Relationship relationship;
  std::vector<Finding> findings;
  std::vector<Step> steps;
  // The steps rendered, once, by the dialect's Renderer (plan_migration);
  // every report prints these. Empty when blocked.
  std::vector<Statement> statements;

  bool blocked() const;
  ParentStatus status() const;
};

// How apply splits the pending parents into transactions (--batch-size).
struct Batching {
  std::size_t batch_size = 0;  // parents per transaction; 0: all in one
  std::size_t batches = 0;     // transactions apply will run (0: nothing pending)
  // The largest transaction's estimated lock slots, and the server's shared
  // lock table (max_locks_per_transaction x (max_connections +
  // max_prepared_transactions)); 0 when the dialect has no such limit.
  std::int64_t lock_slots = 0;
  std::int64_t lock_capacity = 0;
};

struct Plan {
  Dialect dialect{};  // from Capabilities
  Batching batching;
  std::vector<ParentPlan> parents;  // config order
  std::vector<Finding> findings;    // not tied to one parent (extra tables)

  bool blocked() const;
  bool pending() const;  // any step (and not blocked)
  std::vector<const Finding*> blockers() const;
  std::size_t step_count() const;
  // Every parent's statements, in order; empty when the plan is blocked.
  std::vector<Statement> statements() const;
  std::size_t statement_count() const;  // of statements()
  // The tables the plan read or touches, in plan order, without duplicates.
  std::vector<TableRef> tables() const;
};

}  // namespace addrmig
