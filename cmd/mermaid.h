#pragma once
// A Mermaid `erDiagram` of a plan: each parent and its address table, the
// parent's key, the FK column, ON DELETE on the relationship, and what the
// plan changes marked on the attribute or relationship it touches. GitHub and
// GitLab render it as a picture in markdown (```mermaid blocks).

#include <cstddef>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/plan.h"

namespace addrmig::cli {

struct ErDiagram {
  std::string source;       // "erDiagram\n  ...", no fence
  std::size_t shown = 0;    // parents drawn
  std::size_t total = 0;    // parents in the plan
};

// Past `max_parents` the diagram is capped: parents the plan changes or
// blocks are drawn first (config order), then unchanged ones.
ErDiagram er_diagram(const Plan& plan, const std::vector<ColumnSpec>& address_columns,
                     std::size_t max_parents);

}  // namespace addrmig::cli
