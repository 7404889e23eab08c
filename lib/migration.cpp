#include "lib/migration.h"

#include <spdlog/spdlog.h>

#include "lib/planner.h"

namespace addrmig {

Capabilities capabilities_for(Dialect dialect) {
  return dialect == Dialect::Sqlite ? sqlite_capabilities() : postgres_capabilities();
}

bool has_rebuild(const Plan& plan) {
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps)
      if (std::holds_alternative<RebuildTable>(step.change)) return true;
  return false;
}

PlannedMigration plan_migration(Connection& conn, const Config& config, const ProgressFn& progress) {
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
  if (!out.plan.blocked()) out.statements = render_plan(out.plan, *make_renderer(conn.dialect()));
  return out;
}

}  // namespace addrmig
