#include "lib/planning.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "lib/planner.h"

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

// Fills plan.batching and, when a transaction would overflow the server's
// lock table (PostgreSQL `out of shared memory` halfway through), blocks the
// plan with a finding naming the setting, the estimate and --batch-size.
void check_batches(Plan& plan, const Renderer& renderer, Inspector& inspector, std::size_t batch_size) {
  const auto batches = plan_batches(plan, batch_size);
  plan.batching.batch_size = batch_size;
  plan.batching.batches = batches.size();
  if (batches.empty()) return;
  for (const auto& batch : batches) {
    std::set<std::string> locked;
    for (std::size_t index : batch)
      for (const Step& step : plan.parents[index].steps) renderer.add_locked_objects(step, locked);
    plan.batching.lock_slots = std::max<std::int64_t>(plan.batching.lock_slots,
                                                      static_cast<std::int64_t>(locked.size()) + kFixedLockSlots);
  }
  if (plan.batching.lock_slots == kFixedLockSlots) {  // the dialect has no lock table
    plan.batching.lock_slots = 0;
    return;
  }
  const std::optional<std::int64_t> capacity = inspector.lock_capacity();
  if (!capacity) return;
  plan.batching.lock_capacity = *capacity;
  if (plan.batching.lock_slots <= *capacity) return;
  // Parents per transaction that would fit in half the lock table (the rest
  // is for everyone else), from the first batch's cost per parent.
  const std::int64_t per_parent =
      std::max<std::int64_t>(1, (plan.batching.lock_slots - kFixedLockSlots) /
                                    static_cast<std::int64_t>(std::max<std::size_t>(1, batches.front().size())));
  const std::int64_t fits = std::max<std::int64_t>(1, (*capacity / 2) / per_parent);
  Finding finding;
  finding.kind = FindingKind::LockTableTooSmall;
  finding.severity = Severity::Blocker;
  finding.expected = thousands(*capacity);
  finding.found = thousands(plan.batching.lock_slots);
  finding.message = "one transaction would need about " + thousands(plan.batching.lock_slots) +
                    " lock slots, more than the server's lock table holds (" + thousands(*capacity) +
                    " = max_locks_per_transaction x (max_connections + max_prepared_transactions)): apply with "
                    "--batch-size " + std::to_string(fits) + " (or [apply] batch_size), or raise max_locks_per_transaction";
  plan.findings.push_back(std::move(finding));
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
    if (std::find(parents.begin(), parents.end(), i) == parents.end()) out.parents[i].steps.clear();
  return out;
}

Capabilities capabilities_for(Dialect dialect) {
  return dialect == Dialect::Sqlite ? sqlite_capabilities() : postgres_capabilities();
}

bool has_rebuild(const Plan& plan) {
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps)
      if (std::holds_alternative<RebuildTable>(step.change)) return true;
  return false;
}

PlannedMigration plan_migration(Connection& conn, const Config& config, const ProgressFn& progress,
                                std::size_t batch_size) {
  const Capabilities caps = capabilities_for(conn.dialect());
  std::unique_ptr<Inspector> inspector = make_inspector(conn.dialect(), conn.session());
  const std::size_t parents = config.parents.size();
  auto report = [&](Progress::Stage stage, std::size_t done, std::size_t total) {
    if (progress) progress(Progress{stage, done, total, {}, -1});
  };
  PlannedMigration out;
  report(Progress::Stage::Inspecting, 0, parents);
  out.catalog = inspector->inspect(tables_to_inspect(config, caps));
  out.catalog.database_exists = conn.database_exists();
  const std::vector<FactRequest> requests = fact_requests(config, out.catalog, caps);
  // Counting orphans and NULLs scans address tables: the slow part on big data.
  if (!requests.empty()) report(Progress::Stage::Measuring, 0, requests.size());
  const Facts facts = requests.empty() ? Facts{} : inspector->measure(requests);
  out.plan = make_plan(config, out.catalog, facts, caps);
  report(Progress::Stage::Inspecting, parents, parents);
  out.catalog_queries = inspector->queries_run();
  spdlog::debug("inspected {} of {} tables in {} queries; {} facts measured",
                out.catalog.tables.size(), 2 * config.parents.size(), out.catalog_queries,
                requests.size());
  const auto renderer = make_renderer(conn.dialect());
  if (!out.plan.blocked()) check_batches(out.plan, *renderer, *inspector, batch_size);
  if (!out.plan.blocked()) out.statements = render_plan(out.plan, *renderer);
  return out;
}

}  // namespace addrmig
