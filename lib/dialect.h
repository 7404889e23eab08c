#pragma once
// The seams between the pure core and a database: an Inspector reads a
// Catalog, a Renderer writes SQL, Capabilities tell the planner what the
// dialect can do. One implementation of each per dialect, each in its own file.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "lib/plan.h"
#include "lib/schema.h"

namespace soci {
class session;
}

namespace addrmig {

struct Capabilities {
  Dialect dialect = Dialect::Sqlite;
  // ALTER TABLE can add/drop constraints and SET NOT NULL (PostgreSQL). When
  // false (SQLite) such changes are a table rebuild.
  bool alter_constraints = false;
  // FKs can be added NOT VALID and validated separately (PostgreSQL).
  bool not_valid_foreign_keys = false;
  bool schemas = false;                // tables live in named schemas
  std::size_t max_identifier_bytes = 0;  // 0: no limit
  std::string default_schema;          // "public" on PostgreSQL, "" on SQLite
  bool fold_case_names = false;        // names match ASCII case-insensitively (SQLite)
};

Capabilities sqlite_capabilities();
Capabilities postgres_capabilities();

class Inspector {
 public:
  virtual ~Inspector() = default;
  // Reads every requested table that exists (columns, PK, FKs, indexes,
  // triggers) plus SQLite views, in a fixed number of catalog queries however
  // many tables are asked for. Absent tables are simply not in the Catalog.
  virtual Catalog inspect(const std::vector<TableRef>& tables) = 0;
  // Measures data facts in batched queries (a bounded number per call).
  virtual Facts measure(const std::vector<FactRequest>& requests) = 0;
  // Statements run so far by this inspector (for tests of the query budget).
  virtual std::size_t queries_run() const = 0;
};

struct Statement {
  std::string sql;      // no trailing ';'
  std::string comment;  // one line, printed as "-- comment" before it; may be empty
  // Runs after the migration transaction commits, in a transaction of its own
  // (PostgreSQL VALIDATE CONSTRAINT, so that the write-blocking lock of ADD
  // CONSTRAINT is not held through the long scan). A failure leaves the
  // committed part in place.
  bool after_commit = false;
};

class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual std::vector<Statement> render(const Step& step) const = 0;
  // The history table, created when absent.
  // `schema`: where the history lives (PostgreSQL; ignored by SQLite).
  virtual std::string create_history_table(const std::string& schema) const = 0;
  // Adds run_id to a history table made by an addrmig older than the column.
  virtual std::string add_history_run_id(const std::string& schema) const = 0;
  // A portable or native type in this dialect's spelling.
  virtual std::string render_type(const ColumnType& type) const = 0;
  // SQL reading the value of `column_sql` as text without losing precision
  // (reals: at least 15 significant digits); seed and verify compare stored
  // values with the config in memory.
  virtual std::string exact_text(const std::string& column_sql) const = 0;
};

std::unique_ptr<Inspector> make_inspector(Dialect dialect, soci::session& session);
std::unique_ptr<Renderer> make_renderer(Dialect dialect);

// All statements of a plan, in order.
std::vector<Statement> render_plan(const Plan& plan, const Renderer& renderer);

}  // namespace addrmig
