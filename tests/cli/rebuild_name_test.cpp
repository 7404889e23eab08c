// A SQLite rebuild creates the new table as addrmig_new_<table> first. When
// a table of that name exists already (another tool's, a person's), the plan
// is blocked with a message naming it, instead of failing mid-apply.

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

TEST_CASE("a SQLite rebuild whose temporary table name is taken is blocked, naming it", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY);
    INSERT INTO customer VALUES (1);
    CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL,
                                   parent_id integer NOT NULL);
    INSERT INTO customer_address VALUES (1, 'a', 1);
    CREATE TABLE "ADDRMIG_NEW_customer_address" (note text);
    INSERT INTO "ADDRMIG_NEW_customer_address" VALUES ('keep me');
  )");
  const auto config = write_config(db, R"([related]
name = "address"
foreign_key = "parent_id"
columns = [{ name = "street", type = "text" }]

[[parents]]
table = "customer"
)");
  const std::string schema_before = db.dump();

  const CliResult plan = cli(config, {"plan"});
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 1);
  CHECK_THAT(plan.out, Catch::Contains("creates the new table as addrmig_new_customer_address, but a "
                                       "table of that name exists"));
  const CliResult apply = cli(config, {"apply"});
  CHECK(apply.exit_code == 1);
  CHECK(db.dump() == schema_before);
  CHECK(db.query("SELECT note FROM \"ADDRMIG_NEW_customer_address\"") ==
        std::vector<std::string>{"keep me"});

  // Renamed out of the way, the same plan goes through.
  db.exec("ALTER TABLE \"ADDRMIG_NEW_customer_address\" RENAME TO other_notes");
  CHECK(cli(config, {"apply"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM pragma_foreign_key_list('customer_address')") == 1);
}
