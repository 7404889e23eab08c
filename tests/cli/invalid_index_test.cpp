// PostgreSQL keeps the index a failed CREATE INDEX CONCURRENTLY was building,
// marked invalid: maintained on every write, used by no query. Counting it as
// the FK index would leave the foreign key unindexed while audit says clean.

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

constexpr const char* kConfig = R"([related]
name = "address"
foreign_key = "parent_id"
on_delete = "cascade"
columns = [{ name = "street", type = "text" }]

[[parents]]
table = "customer"
)";

const nlohmann::json* finding(const nlohmann::json& doc, const std::string& kind) {
  for (const nlohmann::json& f : doc["parents"][0]["findings"])
    if (f["kind"] == kind) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("an invalid FK index does not count: a new one is created beside it, the old one kept",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY);
    INSERT INTO customer VALUES (1), (2);
    CREATE TABLE customer_address (
      id integer PRIMARY KEY,
      street text NOT NULL,
      parent_id integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE
    );
    INSERT INTO customer_address VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 2);
  )");
  // Two addresses share parent 1: the unique build fails, the index stays, invalid.
  CHECK_THROWS(db.exec(
      "CREATE UNIQUE INDEX CONCURRENTLY customer_address_parent_id_idx ON customer_address (parent_id)"));
  REQUIRE(db.query("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                   "'customer_address_parent_id_idx'::regclass") == std::vector<std::string>{"false"});
  const auto config = write_config(db, kConfig);

  const CliResult audit = cli(config, {"--format", "json", "audit"});
  INFO(audit.out << audit.err);
  REQUIRE(audit.exit_code == 2);
  const nlohmann::json before = nlohmann::json::parse(audit.out);
  const nlohmann::json* missing = finding(before, "index_missing");
  REQUIRE(missing != nullptr);
  CHECK((*missing)["expected"] == "customer_address_parent_id_idx_2");  // the name is taken
  const nlohmann::json* invalid = finding(before, "index_invalid");
  REQUIRE(invalid != nullptr);
  CHECK((*invalid)["severity"] == "info");
  CHECK_THAT((*invalid)["message"].get<std::string>(), Catch::Contains("never dropped"));

  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  CHECK(db.query("SELECT indexrelid::regclass::text || ' ' || indisvalid::text FROM pg_index "
                 "WHERE indrelid = 'customer_address'::regclass AND NOT indisprimary "
                 "ORDER BY 1") == std::vector<std::string>{"customer_address_parent_id_idx false",
                                                           "customer_address_parent_id_idx_2 true"});
  const CliResult after = cli(config, {"--format", "json", "audit"});
  INFO(after.out << after.err);
  CHECK(after.exit_code == 0);  // clean: the invalid index is information, not drift
  CHECK(finding(nlohmann::json::parse(after.out), "index_invalid") != nullptr);
  CHECK(db.count("SELECT count(*) FROM customer_address") == 3);
}

TEST_CASE("an invalid unique index is no unique key for a configured parent key", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY, code integer NOT NULL);
    INSERT INTO customer VALUES (1, 5), (2, 5);
  )");
  CHECK_THROWS(db.exec("CREATE UNIQUE INDEX CONCURRENTLY customer_code_key ON customer (code)"));
  const auto config = write_config(db, std::string(kConfig) + "key = \"code\"\n");
  const CliResult plan = cli(config, {"plan"});
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 1);  // blocked, where PostgreSQL would reject the FK mid-apply
  CHECK_THAT(plan.out + plan.err, Catch::Contains("neither the primary key nor the only column of a unique index"));
  CHECK(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'customer_address'") == 0);
}
