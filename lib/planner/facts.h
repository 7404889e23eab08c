#pragma once
// The data facts the planner asks for. fact_requests() runs the very same
// analysis as make_plan() with no facts and records the questions, so the
// two can never drift apart.

#include <string>
#include <unordered_set>
#include <vector>

#include "lib/schema.h"

namespace addrmig::planner {

FactRequest row_count_request(const TableRef& table);
// `id_column`: the rows' key, to sample up to 5 of the NULL rows by; empty
// when the table has no single-column key.
FactRequest null_count_request(const TableRef& table, const std::string& column,
                               const std::string& id_column);

// Answers the planner's questions from measured Facts and records every
// question asked, which is what fact_requests() returns.
class FactLookup {
 public:
  FactLookup(const Facts& facts, const Catalog& catalog) : facts_(facts), catalog_(catalog) {}

  // nullptr when not measured, and never asked when row-level security would
  // filter the rows counted (the count would be wrong, and with row_security
  // off the query fails): the caller blocks, naming RLS.
  const Fact* find(const FactRequest& request);
  // The table of `request` that row-level security filters, if any.
  const Table* row_security_hides(const FactRequest& request) const;
  std::vector<FactRequest> take_asked() { return std::move(asked_); }

 private:
  const Facts& facts_;
  const Catalog& catalog_;
  std::vector<FactRequest> asked_;
  std::unordered_set<std::string> seen_;  // so that thousands of parents stay linear
};

}  // namespace addrmig::planner
