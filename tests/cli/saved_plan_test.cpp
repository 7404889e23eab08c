// plan --out / apply FILE: what was reviewed is exactly what runs.

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

void saved_plan_applies_exactly(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  const auto file = db.dir() / "reviewed.sql";
  CliResult plan = cli(config, {"plan", "--out", file.string()});
  REQUIRE(plan.exit_code == 0);
  const std::string saved = read_file(file);
  CHECK(saved.rfind("-- addrmig saved plan\n", 0) == 0);
  CHECK(saved.find("-- table: absent [") != std::string::npos);
  CHECK(saved.find("CREATE TABLE") != std::string::npos);

  CliResult apply = cli(config, {"apply", file.string()});
  INFO(apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM addrmig_history WHERE source LIKE 'file:%'") == 1);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);

  // A re-run of the same step (a retried CI job) finds its own work: exit 0.
  const std::string before = db.dump();
  CliResult again = cli(config, {"apply", file.string()});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("was applied already, at ") != std::string::npos);
  CHECK(again.out.find("nothing to do") != std::string::npos);
  CHECK(db.dump() == before);
  // ... but not once the database has moved on: then it says both.
  db.exec("DROP TABLE customer_address");
  CliResult moved = cli(config, {"apply", file.string()});
  CHECK(moved.exit_code == 2);
  CHECK(moved.err.find("was applied already") != std::string::npos);
  CHECK(moved.err.find("customer now exists") != std::string::npos);
}
POOLED_DIALECT_TEST("apply FILE runs a saved plan and records its source", saved_plan_applies_exactly)

void saved_plan_refused_after_schema_change(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  const auto file = db.dir() / "reviewed.sql";
  REQUIRE(cli(config, {"plan", "--out", file.string()}).exit_code == 0);
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text, vip boolean)");
  const std::string before = db.dump();
  CliResult apply = cli(config, {"apply", file.string()});
  CHECK(apply.exit_code == 2);
  CHECK(count_lines(apply.err) == 1);
  CHECK(apply.err.find("customer now exists") != std::string::npos);
  CHECK(db.dump() == before);
}
POOLED_DIALECT_TEST("a saved plan is refused with exit 2 when the schema changed", saved_plan_refused_after_schema_change)

TEST_CASE("a saved plan edited by hand is refused", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_example_config(db);
  const auto file = db.dir() / "reviewed.sql";
  REQUIRE(cli(config, {"plan", "--out", file.string()}).exit_code == 0);
  std::string text = read_file(file);
  text.replace(text.find("CREATE TABLE"), 12, "CREATE TABLE IF NOT EXISTS");
  write_file(file, text);
  CliResult apply = cli(config, {"apply", file.string()});
  CHECK(apply.exit_code == 2);
  CHECK(apply.err.find("edited") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(db.file()));
}

}  // namespace
