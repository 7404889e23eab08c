#pragma once
// What both inspectors share when they measure Facts: requests go out in
// UNION ALL statements of a bounded number of terms (one term per request,
// each returning ordinal, count and its samples as a JSON array), and come
// back in request order. A dialect supplies the term and runs the statement.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/schema.h"

namespace addrmig {

// Orphan ids sampled per FK, smallest first.
inline constexpr int kOrphanSamples = 5;

struct FactRow {
  std::size_t ordinal = 0;
  std::int64_t count = 0;
  std::optional<std::string> samples_json;  // a JSON array; nullopt or "[]": none
};

using FactTerm = std::function<std::string(const FactRequest& request, std::size_t ordinal)>;
using RunFactQuery = std::function<void(const std::string& sql, const std::string& context,
                                        const std::function<void(const FactRow&)>& on_row)>;

Facts measure_in_batches(const std::vector<FactRequest>& requests, std::size_t terms_per_statement,
                         const FactTerm& term, const RunFactQuery& run);

}  // namespace addrmig
