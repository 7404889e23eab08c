// Issue #5: inspection costs the same number of catalog queries however many
// parents the config lists. Asserted on the count, never on a time, through
// the same plan_migration() that `plan` and `apply` run.

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "lib/config.h"
#include "lib/executor.h"
#include "lib/migration.h"
#include "tests/support/test_database.h"

namespace addrmig {
namespace {

using test::TestDatabase;

constexpr int kFewParents = 10;
constexpr int kManyParents = 2000;
// Tables created per transaction. One transaction creating thousands of
// tables exhausts PostgreSQL's shared lock table ("out of shared memory"),
// which would also fail other tests running on the same cluster.
constexpr int kTablesPerTransaction = 250;

std::string parent_name(int i) { return "parent_" + std::to_string(i); }

// A config naming parents first .. first + count - 1.
Config config_with_parents(int first, int count) {
  std::string text = R"toml(
[related]
columns = [ { name = "street", type = "text" }, { name = "city", type = "text" } ]
)toml";
  for (int i = first; i < first + count; ++i)
    text += "\n[[parents]]\ntable = \"" + parent_name(i) + "\"\n";
  return parse_config(text, "budget.toml");
}

// `count` parent tables, no address tables.
void create_parents(TestDatabase& db, int count) {
  const std::string key = db.dialect() == Dialect::Sqlite ? "INTEGER" : "integer";
  for (int first = 0; first < count; first += kTablesPerTransaction) {
    std::string script = "BEGIN;\n";
    for (int i = first; i < std::min(count, first + kTablesPerTransaction); ++i)
      script += "CREATE TABLE " + parent_name(i) + " (id " + key + " PRIMARY KEY, name text);\n";
    db.exec(script + "COMMIT;\n");
  }
}

// Creates every address table, a slice of parents per apply (transaction).
void apply_in_slices(Connection& conn, int count) {
  for (int first = 0; first < count; first += kTablesPerTransaction / 2) {
    const Config slice = config_with_parents(first, std::min(kTablesPerTransaction / 2, count - first));
    REQUIRE(apply_migration(conn, slice, ApplyOptions{}).applied);
  }
}

std::size_t count_creates(const Plan& plan) {
  std::size_t creates = 0;
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps)
      if (std::holds_alternative<CreateTable>(step.change)) ++creates;
  return creates;
}

struct Inspection {
  std::size_t missing_queries = 0;  // address tables missing
  std::size_t in_place_queries = 0;  // after apply: nothing to do
};

// Plans with every address table missing, applies, and plans again.
Inspection inspect_parents(Dialect dialect, int count) {
  TestDatabase db(dialect);
  create_parents(db, count);
  const Config config = config_with_parents(0, count);
  Connection conn = db.connect();
  Inspection out;

  // In batches of 500: 5000 new address tables in one transaction would not
  // fit the server's lock table, and the plan would say so (blocked).
  const PlannedMigration missing = plan_migration(conn, config, {}, /*batch_size=*/500);
  REQUIRE_FALSE(missing.plan.blocked());
  CHECK(missing.plan.parents.size() == static_cast<std::size_t>(count));
  CHECK(count_creates(missing.plan) == static_cast<std::size_t>(count));
  CHECK(missing.catalog.tables.size() == static_cast<std::size_t>(count));
  out.missing_queries = missing.catalog_queries;

  apply_in_slices(conn, count);
  const PlannedMigration in_place = plan_migration(conn, config);
  CHECK(in_place.statement_count() == 0);
  CHECK(in_place.catalog.tables.size() == 2 * static_cast<std::size_t>(count));
  out.in_place_queries = in_place.catalog_queries;
  return out;
}

void check_budget(Dialect dialect) {
  const Inspection few = inspect_parents(dialect, kFewParents);
  const Inspection many = inspect_parents(dialect, kManyParents);
  CHECK(few.missing_queries > 0);
  CHECK(many.missing_queries == few.missing_queries);
  CHECK(many.in_place_queries == few.in_place_queries);
}

TEST_CASE("inspection of 2000 parents uses as many catalog queries as of 10 (sqlite)",
          "[sqlite][budget]") {
  check_budget(Dialect::Sqlite);
}

TEST_CASE("inspection of 2000 parents uses as many catalog queries as of 10 (postgres)",
          "[postgres][budget]") {
  check_budget(Dialect::Postgres);
}

}  // namespace
}  // namespace addrmig
