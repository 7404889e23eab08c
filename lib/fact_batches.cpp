#include "lib/fact_batches.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace addrmig {
namespace {

std::string describe(const FactRequest& r) {
  switch (r.kind) {
    case FactKind::RowCount:
      return "counting rows of " + r.table.display();
    case FactKind::NullCount:
      return "counting NULLs in " + r.table.display() + "." + r.column;
    case FactKind::Orphans:
      return "counting orphans of " + r.table.display() + "." + r.column;
  }
  return "measuring";
}

// Ids as text whatever their type: strings as they are, numbers as JSON prints them.
std::string sample_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "NULL";
  return value.dump();
}

}  // namespace

Facts measure_in_batches(const std::vector<FactRequest>& requests, std::size_t terms_per_statement,
                         const FactTerm& term, const RunFactQuery& run) {
  Facts facts;
  facts.facts.reserve(requests.size());
  for (const FactRequest& request : requests) facts.facts.push_back(Fact{request, 0, {}});
  for (std::size_t first = 0; first < requests.size(); first += terms_per_statement) {
    const std::size_t last = std::min(requests.size(), first + terms_per_statement);
    std::string sql;
    for (std::size_t i = first; i < last; ++i)
      sql += (i == first ? "" : "\nUNION ALL\n") + term(requests[i], i);
    const std::string context = describe(requests[first]) + (last - first > 1 ? " and more" : "");
    run(sql, context, [&](const FactRow& row) {
      Fact& fact = facts.facts.at(row.ordinal);
      fact.count = row.count;
      if (row.samples_json)
        for (const nlohmann::json& id : nlohmann::json::parse(*row.samples_json))
          fact.samples.push_back(sample_text(id));
    });
  }
  return facts;
}

}  // namespace addrmig
