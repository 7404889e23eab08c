// The FK retrofit at size: an address table of 100,000 rows with no FK, a view
// and a trigger on it, and another table whose FK references it. SQLite
// rebuilds the table; PostgreSQL adds the FK NOT VALID and validates it. Every
// row of every table must come through identical, and everything around the
// table must still work.

#include "tests/cli/cli_helpers.h"
#include "tests/integration/drift_fixtures.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

constexpr int kAddresses = 100000;
constexpr int kCustomers = 1000;
constexpr int kDeliveries = 10000;

constexpr const char* kConfig = R"([related]
name = "address"
foreign_key = "parent_id"
on_delete = "cascade"
columns = [
  { name = "street", type = "text" },
  { name = "city",   type = "text" },
  { name = "zip",    type = "text" },
]

[[parents]]
table = "customer"
)";

// Rows made in one statement each (a recursive CTE / generate_series), so
// the fixture takes well under a second. Every third address has a NULL note.
std::string sqlite_fixture() {
  const std::string n = std::to_string(kAddresses);
  return R"(
CREATE TABLE customer (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customer (id, name)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < )" +
         std::to_string(kCustomers) + R"()
  SELECT i, 'customer ' || i FROM n;
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  zip text NOT NULL,
  note text,
  parent_id integer NOT NULL
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
INSERT INTO customer_address (id, street, city, zip, note, parent_id)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < )" +
         n + R"()
  SELECT i, i || ' Main St', 'city ' || (i % 97), printf('%05d', (i * 7919) % 100000),
         CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END, (i % )" +
         std::to_string(kCustomers) + R"() + 1 FROM n;
CREATE VIEW city_counts AS SELECT city, count(*) AS n FROM customer_address GROUP BY city;
CREATE TABLE address_log (address_id integer NOT NULL);
CREATE TRIGGER address_insert_log AFTER INSERT ON customer_address
BEGIN INSERT INTO address_log (address_id) VALUES (new.id); END;
CREATE TABLE delivery (
  id integer PRIMARY KEY,
  address_id integer NOT NULL REFERENCES customer_address (id),
  note text
);
INSERT INTO delivery (id, address_id, note)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < )" +
         std::to_string(kDeliveries) + R"()
  SELECT i, i * 10, 'delivery ' || i FROM n;
)";
}

std::string postgres_fixture() {
  return R"(
CREATE TABLE customer (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customer (id, name) SELECT i, 'customer ' || i FROM generate_series(1, )" +
         std::to_string(kCustomers) + R"() AS i;
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  zip text NOT NULL,
  note text,
  parent_id integer NOT NULL
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
INSERT INTO customer_address (id, street, city, zip, note, parent_id)
  SELECT i, i || ' Main St', 'city ' || (i % 97), lpad(((i * 7919) % 100000)::text, 5, '0'),
         CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END, (i % )" +
         std::to_string(kCustomers) + R"() + 1
  FROM generate_series(1, )" +
         std::to_string(kAddresses) + R"() AS i;
CREATE VIEW city_counts AS SELECT city, count(*) AS n FROM customer_address GROUP BY city;
CREATE TABLE address_log (address_id integer NOT NULL);
CREATE FUNCTION log_address() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO address_log (address_id) VALUES (NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER address_insert_log AFTER INSERT ON customer_address
  FOR EACH ROW EXECUTE FUNCTION log_address();
CREATE TABLE delivery (
  id integer PRIMARY KEY,
  address_id integer NOT NULL REFERENCES customer_address (id),
  note text
);
INSERT INTO delivery (id, address_id, note)
  SELECT i, i * 10, 'delivery ' || i FROM generate_series(1, )" +
         std::to_string(kDeliveries) + R"() AS i;
)";
}

// Equal snapshots, compared table by table so that a failure names the
// table instead of printing 100,000 rows.
void check_same_data(const std::vector<TableData>& before, const std::vector<TableData>& after) {
  REQUIRE(before.size() == after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    INFO("table " << before[i].table);
    CHECK(after[i].rows.size() == before[i].rows.size());
    const bool identical = after[i].rows == before[i].rows;
    CHECK(identical);
  }
}

void retrofit_large_table(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(dialect == Dialect::Sqlite ? sqlite_fixture() : postgres_fixture());
  REQUIRE(db.count("SELECT count(*) FROM customer_address") == kAddresses);
  const auto config = write_config(db, kConfig);
  const std::vector<TableData> before = snapshot_data(db);

  const CliResult plan = cli(config, {"plan", "--sql"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  if (dialect == Dialect::Sqlite) {
    CHECK_THAT(plan.out, Catch::Contains("DROP VIEW \"city_counts\""));
    CHECK_THAT(plan.out, Catch::Contains("CREATE TRIGGER address_insert_log"));
    CHECK_THAT(plan.out, Catch::Contains("PRAGMA foreign_keys = OFF;"));
  } else {
    CHECK_THAT(plan.out, Catch::Contains("ON DELETE CASCADE NOT VALID;"));
    CHECK_THAT(plan.out,
               Catch::Contains("VALIDATE CONSTRAINT \"customer_address_parent_id_fkey\";"));
  }

  const CliResult apply = cli(config, {"apply"});
  INFO(apply.out << apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(cli(config, {"audit"}).exit_code == 0);
  check_same_data(before, snapshot_data_like(db, before));

  // The FK is there and enforced, the view and the trigger work, and the
  // table whose FK references the address table still holds.
  if (dialect == Dialect::Sqlite) {
    CHECK(db.query("PRAGMA foreign_key_check").empty());
    CHECK(db.query("SELECT \"table\" FROM pragma_foreign_key_list('delivery')") ==
          std::vector<std::string>{"customer_address"});
  } else {
    CHECK(db.query("SELECT convalidated::int FROM pg_constraint WHERE conname = "
                   "'customer_address_parent_id_fkey'") == std::vector<std::string>{"1"});
    CHECK(db.query("SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = "
                   "'delivery'::regclass AND contype = 'f'") ==
          std::vector<std::string>{"customer_address"});
  }
  CHECK(db.count("SELECT sum(n) FROM city_counts") == kAddresses);
  CHECK(db.count("SELECT count(*) FROM city_counts") == 97);
  CHECK_THROWS(
      db.exec("INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES "
              "(200001, 's', 'c', 'z', 5000)"));
  db.exec(
      "INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES "
      "(200001, 's', 'c', 'z', 7)");
  CHECK(db.query("SELECT address_id FROM address_log") == std::vector<std::string>{"200001"});
  CHECK_THROWS(db.exec("INSERT INTO delivery (id, address_id) VALUES (20001, 300000)"));
  CHECK(
      db.count("SELECT count(*) FROM delivery d JOIN customer_address a ON a.id = d.address_id") ==
      kDeliveries);

  const CliResult again = cli(config, {"apply"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("nothing to do"));
}

}  // namespace

DIALECT_TEST(
    "drift: FK retrofit of a 100,000-row address table with a view, a trigger and a "
    "referencing table",
    retrofit_large_table)
