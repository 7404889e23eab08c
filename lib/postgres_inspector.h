#pragma once
// PostgresInspector: reads the postgres catalog into a Catalog in a fixed number of
// queries, batched over all requested tables.

#include <cstddef>
#include <vector>

#include "lib/dialect.h"

namespace addrmig {

class PostgresInspector : public Inspector {
 public:
  explicit PostgresInspector(soci::session& session) : session_(session) {}
  Catalog inspect(const std::vector<TableRef>& tables) override;
  Facts measure(const std::vector<FactRequest>& requests) override;
  std::size_t queries_run() const override { return queries_; }

 private:
  soci::session& session_;
  std::size_t queries_ = 0;
};

}  // namespace addrmig
