#pragma once
// How apply splits a plan's pending parents into transactions (--batch-size),
// and whether each transaction fits the server's lock table. Pure: the
// dialect says which objects a step locks (Renderer::add_locked_objects) and
// how big the lock table is (Inspector::lock_capacity).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "lib/plan.h"

namespace addrmig {

class Renderer;

// The parents (indexes into plan.parents) that have steps, split into the
// transactions a batched apply runs: consecutive groups of `batch_size`
// (0: one group).
std::vector<std::vector<std::size_t>> plan_batches(const Plan& plan, std::size_t batch_size);

// The plan with only `parents`' steps and statements left: what one batch applies.
Plan batch_plan(const Plan& plan, const std::vector<std::size_t>& parents);

// Fills plan.batching and, when one transaction would overflow the server's
// lock table (`capacity`; PostgreSQL fails with `out of shared memory`
// halfway through), blocks the plan with a finding naming the setting, the
// estimate and a --batch-size that fits.
void check_batches(Plan& plan, const Renderer& renderer, std::optional<std::int64_t> capacity,
                   std::size_t batch_size);

}  // namespace addrmig
