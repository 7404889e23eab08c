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
FactRequest null_count_request(const TableRef& table, const std::string& column);

// Answers the planner's questions from measured Facts and records every
// question asked, which is what fact_requests() returns.
class FactLookup {
 public:
  explicit FactLookup(const Facts& facts) : facts_(facts) {}

  const Fact* find(const FactRequest& request);
  std::vector<FactRequest> take_asked() { return std::move(asked_); }

 private:
  const Facts& facts_;
  std::vector<FactRequest> asked_;
  std::unordered_set<std::string> seen_;  // so that thousands of parents stay linear
};

}  // namespace addrmig::planner
