#pragma once
// SqliteInspector: reads the sqlite catalog into a Catalog in a fixed number of
// queries, batched over all requested tables.
//
// inspect() runs four statements whatever the number of tables: sqlite_schema
// (tables, views, triggers), then sqlite_schema joined with the table-valued
// pragma functions for columns, foreign keys and indexes. The requested names
// are bound as one JSON array and expanded with json_each(), so no catalog
// SQL is built from names and the bound-parameter limit never applies.
// measure() cannot bind table names (they are the FROM of each count): it
// quotes them through quote_ident(), in UNION ALL batches (lib/fact_batches.h).
//
// Table names match the way SQLite resolves them (ASCII case-insensitively);
// each Table keeps the TableRef it was requested with, in request order.

#include <cstddef>
#include <vector>

#include "lib/dialect.h"

namespace addrmig {

class SqliteInspector : public Inspector {
 public:
  explicit SqliteInspector(soci::session& session) : session_(session) {}
  Catalog inspect(const std::vector<TableRef>& tables) override;
  // One compound SELECT per chunk of requests (SQLite caps compound SELECTs at
  // 500 terms); Facts come back in request order. The tables must exist.
  Facts measure(const std::vector<FactRequest>& requests) override;
  std::size_t queries_run() const override { return queries_; }

  // Terms per compound SELECT in measure(); SQLITE_MAX_COMPOUND_SELECT is 500.
  static constexpr std::size_t kMeasureTermsPerStatement = 400;

 private:
  soci::session& session_;
  std::size_t queries_ = 0;
};

}  // namespace addrmig
