// Drifted databases, end to end through the real binary (issue #3): for each
// scenario of drift_fixtures, `audit --format json` and `plan --sql` equal
// their golden files (tests/golden/drift/<scenario>.<dialect>.{audit.json,sql},
// regenerate with ADDRMIG_UPDATE_GOLDEN=1); a repairable one is repaired by
// `apply` without changing a single pre-existing row, audits clean afterwards
// and a second apply is a no-op; a blocked one exits 1 with its blocker and
// leaves the database exactly as it was.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "tests/cli/cli_helpers.h"
#include "tests/integration/drift_fixtures.h"
#include "tests/support/golden.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

// --------------------------------------------------------------- golden ----

// The JSON document, parsed (it must parse) and printed in one stable layout.
std::string normalized_json(const std::string& text) {
  INFO(text);
  REQUIRE(nlohmann::json::accept(text));
  return nlohmann::json::parse(text).dump(2) + "\n";
}

// The history table lives where addrmig put it ([history] schema, or the
// first parent's schema on PostgreSQL), so find it by name, not by path.
std::int64_t history_rows(TestDatabase& db) {
  if (db.dialect() == Dialect::Sqlite) {
    if (db.count("SELECT count(*) FROM sqlite_schema WHERE name = 'addrmig_history'") == 0) return 0;
    return db.count("SELECT count(*) FROM addrmig_history");
  }
  const std::vector<std::string> schemas = db.query(
      "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname = 'addrmig_history'");
  if (schemas.empty()) return 0;
  REQUIRE(schemas.size() == 1);
  return db.count("SELECT count(*) FROM \"" + schemas.front() + "\".addrmig_history");
}

int expected_audit_exit(DriftOutcome outcome) {
  return outcome == DriftOutcome::Informational ? 0 : 2;
}

int expected_check_exit(DriftOutcome outcome) {
  switch (outcome) {
    case DriftOutcome::Repaired:
      return 2;
    case DriftOutcome::Blocked:
      return 1;
    case DriftOutcome::Informational:
      return 0;
  }
  return -1;
}

// ---------------------------------------------------------------- steps ----

// audit, plan --sql and plan --check: goldens and exit codes; all read-only.
// Returns the plan --sql script.
std::string check_reports(TestDatabase& db, const DriftScenario& scenario,
                          const std::filesystem::path& config) {
  const std::string stem = scenario.name + "." + std::string(dialect_name(db.dialect()));
  const std::string before = db.dump();

  const CliResult audit = cli(config, {"--format", "json", "audit"});
  INFO("audit stderr: " << audit.err);
  check_golden(std::filesystem::path("drift") / (stem + ".audit.json"), normalized_json(audit.out));
  CHECK(audit.exit_code == expected_audit_exit(scenario.outcome));

  const CliResult text_audit = cli(config, {"audit"});
  CHECK(text_audit.exit_code == expected_audit_exit(scenario.outcome));

  const CliResult plan_sql = cli(config, {"plan", "--sql"});
  INFO("plan --sql stderr: " << plan_sql.err);
  check_golden(std::filesystem::path("drift") / (stem + ".sql"), plan_sql.out);
  CHECK(plan_sql.exit_code == (scenario.outcome == DriftOutcome::Blocked ? 1 : 0));

  CHECK(cli(config, {"plan", "--check"}).exit_code == expected_check_exit(scenario.outcome));
  CHECK(db.dump() == before);
  return plan_sql.out;
}

// The reviewed script is the repair: run by hand on a second copy of the
// drifted database, it leaves nothing pending and every row as it was.
void check_script_by_hand(const DriftScenario& scenario, Dialect dialect,
                          const std::string& script) {
  TestDatabase copy(dialect);
  copy.exec(scenario.setup_sql);
  const std::vector<TableData> before = snapshot_data(copy);
  copy.exec(script);
  const auto config = write_config(copy, scenario.config_body);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
  CHECK(data_dump(snapshot_data_like(copy, before)) == data_dump(before));
}

void check_blocked(TestDatabase& db, const DriftScenario& scenario,
                   const std::filesystem::path& config) {
  const std::string before = db.dump();
  for (const char* command : {"plan", "apply"}) {
    const CliResult result = cli(config, {command});
    INFO(command << " stdout: " << result.out << "\nstderr: " << result.err);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains(scenario.blocker_text));
  }
  CHECK(db.dump() == before);
  CHECK(history_rows(db) == 0);
}

void check_repair(TestDatabase& db, const DriftScenario& scenario,
                  const std::filesystem::path& config) {
  const std::vector<TableData> before = snapshot_data(db);

  const CliResult apply = cli(config, {"apply"});
  INFO("apply stdout: " << apply.out << "\nstderr: " << apply.err);
  REQUIRE(apply.exit_code == 0);
  const bool repairs = scenario.outcome == DriftOutcome::Repaired;
  CHECK_THAT(apply.out, Catch::Contains(repairs ? "applied " : "nothing to do"));
  // A repair records history (on PostgreSQL one row for the migration and one
  // per VALIDATE run after its COMMIT); nothing to do records nothing.
  const std::int64_t recorded = history_rows(db);
  CHECK((recorded > 0) == repairs);

  const CliResult audit = cli(config, {"audit"});
  INFO("audit after apply: " << audit.out);
  CHECK(audit.exit_code == 0);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
  CHECK(data_dump(snapshot_data_like(db, before)) == data_dump(before));

  const std::string repaired = db.dump();
  const CliResult again = cli(config, {"apply"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("nothing to do"));
  CHECK(history_rows(db) == recorded);
  CHECK(db.dump() == repaired);
}

using AfterApply = std::function<void(TestDatabase&, const std::filesystem::path& config)>;

void run_scenario(Dialect dialect, const std::string& name, const AfterApply& after = {}) {
  const DriftScenario scenario = drift_scenario(dialect, name);
  TestDatabase db(dialect);
  db.exec(scenario.setup_sql);
  const auto config = write_config(db, scenario.config_body);
  const std::string script = check_reports(db, scenario, config);
  if (scenario.outcome == DriftOutcome::Blocked) {
    check_blocked(db, scenario, config);
    return;
  }
  check_repair(db, scenario, config);
  if (scenario.outcome == DriftOutcome::Repaired) check_script_by_hand(scenario, dialect, script);
  if (after) after(db, config);
}

}  // namespace

#define DRIFT_SCENARIO(name)                                     \
  TEST_CASE("drift: " name " (sqlite)", "[sqlite][drift]") {     \
    run_scenario(Dialect::Sqlite, name);                         \
  }                                                              \
  TEST_CASE("drift: " name " (postgres)", "[postgres][drift]") { \
    run_scenario(Dialect::Postgres, name);                       \
  }

DRIFT_SCENARIO("fk_missing")
DRIFT_SCENARIO("fk_wrong_table")
DRIFT_SCENARIO("fk_wrong_table_empty")
DRIFT_SCENARIO("fk_wrong_on_delete")
DRIFT_SCENARIO("index_missing")
DRIFT_SCENARIO("index_name_taken")
DRIFT_SCENARIO("columns_missing_empty_table")
DRIFT_SCENARIO("column_nullable_with_nulls")
DRIFT_SCENARIO("column_missing_nullable")
DRIFT_SCENARIO("column_missing_default")
DRIFT_SCENARIO("column_missing_not_null_rows")
DRIFT_SCENARIO("fk_nullable_no_nulls")
DRIFT_SCENARIO("fk_nullable_with_nulls")
DRIFT_SCENARIO("orphans")
DRIFT_SCENARIO("fk_type_mismatch")
DRIFT_SCENARIO("column_type_differs")
DRIFT_SCENARIO("not_address_table")
DRIFT_SCENARIO("extras_only")
DRIFT_SCENARIO("parent_without_pk")
DRIFT_SCENARIO("parent_key_override")
DRIFT_SCENARIO("combined")

TEST_CASE("drift: fk_bigint_affinity (sqlite)", "[sqlite][drift]") {
  run_scenario(Dialect::Sqlite, "fk_bigint_affinity");
}

TEST_CASE("drift: rebuild_unsafe (sqlite)", "[sqlite][drift]") {
  run_scenario(Dialect::Sqlite, "rebuild_unsafe");
}

TEST_CASE("drift: fk_not_valid_orphans (postgres)", "[postgres][drift]") {
  run_scenario(Dialect::Postgres, "fk_not_valid_orphans");
}

TEST_CASE("drift: schema_fk_missing (postgres)", "[postgres][drift]") {
  run_scenario(Dialect::Postgres, "schema_fk_missing");
}

TEST_CASE("drift: fk_not_valid (postgres)", "[postgres][drift]") {
  run_scenario(Dialect::Postgres, "fk_not_valid", [](TestDatabase& db, const auto&) {
    CHECK(db.query("SELECT convalidated FROM pg_constraint WHERE conname = "
                   "'customer_address_parent_id_fkey'") == std::vector<std::string>{"1"});
  });
}

TEST_CASE("drift: rebuild_keeps_objects (sqlite)", "[sqlite][drift]") {
  run_scenario(Dialect::Sqlite, "rebuild_keeps_objects", [](TestDatabase& db, const auto&) {
    // Indexes, trigger and view are back, and work.
    CHECK(db.query("SELECT name FROM sqlite_schema WHERE tbl_name = 'customer_address' AND "
                   "type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name") ==
          std::vector<std::string>{"address_by_city", "address_city_log",
                                   "customer_address_parent_id_idx"});
    db.exec("UPDATE customer_address SET city = 'Cypress Creek' WHERE id = 3;");
    CHECK(db.query("SELECT address_id || ' ' || new_city FROM address_log WHERE old_city = "
                   "'Ogdenville'") == std::vector<std::string>{"3 Cypress Creek"});
    CHECK(db.count("SELECT n FROM addresses_per_city WHERE city = 'Springfield'") == 2);
    CHECK(db.query("SELECT city FROM busy_cities") == std::vector<std::string>{"Springfield"});
    // The AUTOINCREMENT counter went on past the deleted id 20.
    db.exec(
        "INSERT INTO customer_address (street, city, zip, parent_id) VALUES ('n', 'c', 'z', 1);");
    CHECK(db.count("SELECT max(id) FROM customer_address") == 21);
    // delivery's FK still references the rebuilt table and holds.
    CHECK(db.query("PRAGMA foreign_key_check").empty());
    CHECK_THROWS(db.exec("INSERT INTO delivery (id, address_id) VALUES (9, 999);"));
    // The new FK is enforced: deleting a customer cascades to its addresses.
    db.exec("DELETE FROM delivery");
    db.exec("DELETE FROM customer WHERE id = 2");
    CHECK(db.count("SELECT count(*) FROM customer_address WHERE parent_id = 2") == 0);
  });
}

// SQLAlchemy's schema, repaired, then the whole CI step: the example's seed
// rows are found (nothing inserted) and verify reads them back both ways.
void sqlalchemy_then_run(Dialect dialect) {
  run_scenario(dialect, "sqlalchemy", [](TestDatabase& db, const std::filesystem::path& config) {
    const CliResult run = cli(config, {"run"});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("seed: inserted 0 parent rows and 0 address rows"));
    CHECK(db.count("SELECT count(*) FROM customer_address") == 2);
  });
}
DIALECT_TEST("drift: sqlalchemy", sqlalchemy_then_run)

// The scenario list is the contract of issue #3: at least 12 per dialect,
// and the fixtures and the reviewed goldens describe the same scenarios: a
// scenario without its goldens, or goldens left from a scenario that is gone,
// fail here.
TEST_CASE("drift: the scenario list", "[sqlite][drift]") {
  namespace fs = std::filesystem;
  for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
    const std::string suffix = "." + std::string(dialect_name(dialect)) + ".sql";
    std::vector<std::string> goldens;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(test::source_dir() / "tests" / "golden" / "drift")) {
      const std::string file = entry.path().filename().string();
      if (file.size() > suffix.size() && file.ends_with(suffix))
        goldens.push_back(file.substr(0, file.size() - suffix.size()));
    }
    std::vector<std::string> names;
    for (const DriftScenario& scenario : drift_scenarios(dialect)) {
      names.push_back(scenario.name);
      CHECK(fs::exists(test::source_dir() / "tests" / "golden" / "drift" /
                       (scenario.name + "." + std::string(dialect_name(dialect)) + ".audit.json")));
    }
    std::sort(goldens.begin(), goldens.end());
    std::sort(names.begin(), names.end());
    INFO(dialect_name(dialect));
    CHECK(names == goldens);
    CHECK(names.size() >= 12);
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());  // no name twice
  }
}
