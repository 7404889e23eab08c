// migrations/ holds what `plan --sql` prints for the example configs on an
// empty database. This keeps it current: a change to the renderers shows up
// as a diff there, for review. ADDRMIG_UPDATE_GOLDEN=1 rewrites the files.

#include <cstdlib>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

void check_migration(Dialect dialect) {
  TestDatabase db(dialect);
  const bool sqlite = dialect == Dialect::Sqlite;
  const auto config = source_dir() / "configs" / (sqlite ? "example.toml" : "example-postgres.toml");
  const auto golden = source_dir() / "migrations" / (sqlite ? "sqlite" : "postgres") / "example.sql";
  CliResult plan = run_addrmig({"-c", config.string(), "--database", db.url(), "plan", "--sql"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  if (const char* update = std::getenv("ADDRMIG_UPDATE_GOLDEN"); update && std::string(update) == "1")
    write_file(golden, plan.out);
  CHECK(plan.out == read_file(golden));
  // The script is what apply runs: executing it by hand gives a clean plan.
  db.exec(plan.out);
  CliResult check = run_addrmig({"-c", config.string(), "--database", db.url(), "plan", "--check"});
  CHECK(check.exit_code == 0);
}

}  // namespace

DIALECT_TEST("migrations/ matches plan --sql for the example config", check_migration)
