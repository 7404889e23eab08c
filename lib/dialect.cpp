#include "lib/dialect.h"

#include "lib/postgres_inspector.h"
#include "lib/postgres_renderer.h"
#include "lib/sqlite_inspector.h"
#include "lib/sqlite_renderer.h"

namespace addrmig {

Capabilities sqlite_capabilities() {
  Capabilities caps;
  caps.dialect = Dialect::Sqlite;
  caps.fold_case_names = true;
  return caps;
}

Capabilities postgres_capabilities() {
  Capabilities caps;
  caps.dialect = Dialect::Postgres;
  caps.alter_constraints = true;
  caps.not_valid_foreign_keys = true;
  caps.schemas = true;
  // NAMEDATALEN - 1; longer names are silently truncated by the server.
  caps.max_identifier_bytes = 63;
  caps.default_schema = "public";
  return caps;
}

std::unique_ptr<Inspector> make_inspector(Dialect dialect, soci::session& session) {
  if (dialect == Dialect::Sqlite) return std::make_unique<SqliteInspector>(session);
  return std::make_unique<PostgresInspector>(session);
}

std::unique_ptr<Renderer> make_renderer(Dialect dialect) {
  if (dialect == Dialect::Sqlite) return std::make_unique<SqliteRenderer>();
  return std::make_unique<PostgresRenderer>();
}

std::vector<Statement> render_plan(const Plan& plan, const Renderer& renderer) {
  std::vector<Statement> out;
  for (const ParentPlan& parent : plan.parents) {
    if (parent.blocked()) continue;
    for (const Step& step : parent.steps) {
      std::vector<Statement> statements = renderer.render(step);
      out.insert(out.end(), statements.begin(), statements.end());
    }
  }
  return out;
}

}  // namespace addrmig
