#include "lib/batches.h"

#include <algorithm>
#include <set>
#include <string>

#include "lib/dialect.h"

namespace addrmig {
namespace {

// Locks every apply transaction takes besides the plan's own objects: the
// history table (created when absent: table, key, sequence, TOAST table and
// index), the advisory lock, the schema. Kept generous: an estimate.
constexpr std::int64_t kFixedLockSlots = 10;

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::int64_t lock_slots(const Plan& plan, const std::vector<std::size_t>& batch, const Renderer& renderer) {
  std::set<std::string> locked;
  for (std::size_t index : batch)
    for (const Step& step : plan.parents[index].steps) renderer.add_locked_objects(step, locked);
  return locked.empty() ? 0 : static_cast<std::int64_t>(locked.size()) + kFixedLockSlots;
}

Finding too_many_locks(const Batching& batching, std::size_t first_batch_parents) {
  // Parents per transaction that would fit in half the lock table (the rest
  // is for everyone else), from the largest batch's cost per parent.
  const std::int64_t per_parent = std::max<std::int64_t>(
      1, (batching.lock_slots - kFixedLockSlots) / static_cast<std::int64_t>(std::max<std::size_t>(1, first_batch_parents)));
  const std::int64_t fits = std::max<std::int64_t>(1, (batching.lock_capacity / 2) / per_parent);
  Finding finding;
  finding.kind = FindingKind::LockTableTooSmall;
  finding.severity = Severity::Blocker;
  finding.expected = thousands(batching.lock_capacity);
  finding.found = thousands(batching.lock_slots);
  finding.message = "one transaction would need about " + thousands(batching.lock_slots) +
                    " lock slots, more than the server's lock table holds (" + thousands(batching.lock_capacity) +
                    " = max_locks_per_transaction x (max_connections + max_prepared_transactions)): apply with "
                    "--batch-size " + std::to_string(fits) +
                    " (or [apply] batch_size), or raise max_locks_per_transaction";
  return finding;
}

}  // namespace

std::vector<std::vector<std::size_t>> plan_batches(const Plan& plan, std::size_t batch_size) {
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < plan.parents.size(); ++i) {
    if (plan.parents[i].steps.empty() || plan.parents[i].blocked()) continue;
    if (out.empty() || (batch_size > 0 && out.back().size() >= batch_size)) out.emplace_back();
    out.back().push_back(i);
  }
  return out;
}

Plan batch_plan(const Plan& plan, const std::vector<std::size_t>& parents) {
  Plan out = plan;
  for (std::size_t i = 0; i < out.parents.size(); ++i)
    if (std::find(parents.begin(), parents.end(), i) == parents.end()) {
      out.parents[i].steps.clear();
      out.parents[i].statements.clear();
    }
  return out;
}

void check_batches(Plan& plan, const Renderer& renderer, std::optional<std::int64_t> capacity,
                   std::size_t batch_size) {
  const auto batches = plan_batches(plan, batch_size);
  plan.batching.batch_size = batch_size;
  plan.batching.batches = batches.size();
  std::size_t largest = 0;
  for (const auto& batch : batches) {
    const std::int64_t slots = lock_slots(plan, batch, renderer);
    if (slots > plan.batching.lock_slots) {
      plan.batching.lock_slots = slots;
      largest = batch.size();
    }
  }
  if (plan.batching.lock_slots == 0 || !capacity) return;  // the dialect has no lock table
  plan.batching.lock_capacity = *capacity;
  if (plan.batching.lock_slots > *capacity) plan.findings.push_back(too_many_locks(plan.batching, largest));
}

}  // namespace addrmig
