#include "lib/migration.h"

#include <spdlog/spdlog.h>

#include "lib/batches.h"
#include "lib/planner.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

// Every unblocked parent's steps, rendered once: what every report prints
// and apply runs.
void render_parents(Plan& plan, const Renderer& renderer) {
  for (ParentPlan& parent : plan.parents) {
    if (parent.blocked()) continue;
    for (const Step& step : parent.steps) {
      std::vector<Statement> statements = renderer.render(step);
      for (Statement& statement : statements) parent.statements.push_back(std::move(statement));
    }
  }
}

}  // namespace

PlannedMigration plan_migration(Connection& conn, const Config& config, const ProgressFn& progress,
                                std::size_t batch_size) {
  const DatabaseDialect& dialect = dialect_of(conn.dialect());
  const Capabilities& caps = dialect.capabilities();
  std::unique_ptr<Inspector> inspector = dialect.inspector(conn.session());
  const std::size_t parents = config.parents.size();
  auto report = [&](Progress::Stage stage, std::size_t done, std::size_t total) {
    if (progress) progress(Progress{stage, done, total, {}, -1});
  };
  PlannedMigration out;
  report(Progress::Stage::Inspecting, 0, parents);
  out.catalog = inspector->inspect(tables_to_inspect(config, caps));
  out.catalog.database_exists = conn.database_exists();
  PlanDraft draft = draft_plan(config, out.catalog, caps);
  const std::vector<FactRequest>& requests = draft.requests;
  if (requests.empty()) {
    out.plan = std::move(draft.plan);
  } else {
    // Counting orphans and NULLs scans address tables: the slow part on big data.
    report(Progress::Stage::Measuring, 0, requests.size());
    out.plan = make_plan(config, out.catalog, inspector->measure(requests), caps);
  }
  report(Progress::Stage::Inspecting, parents, parents);
  out.catalog_queries = inspector->queries_run();
  spdlog::debug("inspected {} of {} tables in {} queries; {} facts measured",
                out.catalog.tables.size(), 2 * config.parents.size(), out.catalog_queries,
                requests.size());
  if (!out.plan.blocked() && out.plan.step_count() > 0) {
    // One server setting, read only when there is something to lock.
    check_batches(out.plan, dialect.renderer(), inspector->lock_capacity(), batch_size);
  }
  render_parents(out.plan, dialect.renderer());
  return out;
}

PlannedMigration plan_read_only(Connection& conn, const Config& config, const ProgressFn& progress,
                                std::size_t batch_size) {
  ReadTransaction snapshot(conn);
  return plan_migration(conn, config, progress, batch_size);
}

}  // namespace addrmig
