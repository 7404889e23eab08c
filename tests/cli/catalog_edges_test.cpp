// Hand-grown databases a new user tried after #11's fixes: names held by
// other kinds of objects, tables ALTER TABLE cannot change alone, rights the
// role lacks, extra foreign keys, SQLite type spellings. Each plan either
// applies or blocks with a finding; a blocked apply changes nothing.

#include <unistd.h>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

const char kRelated[] = R"([related]
name = "address"
foreign_key = "parent_id"
on_delete = "cascade"
columns = [{ name = "street", type = "text" }, { name = "zip", type = "text", nullable = true }]
)";

std::string parents(const std::string& table, const std::string& extra = "") {
  return std::string(kRelated) + "\n[[parents]]\ntable = \"" + table + "\"\n" + extra;
}

// plan blocks naming `reason`, apply exits 1 and changes nothing.
void blocks(TestDatabase& db, const std::filesystem::path& config, const std::string& reason,
            const std::vector<std::string>& global = {}) {
  const std::string before = db.dump();
  std::vector<std::string> plan_args = global, apply_args = global;
  plan_args.push_back("plan");
  apply_args.push_back("apply");
  const CliResult plan = cli(config, plan_args);
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 1);
  CHECK_THAT(plan.out, Catch::Contains(reason));
  CHECK(cli(config, apply_args).exit_code == 1);
  CHECK(db.dump() == before);
}

// plan exits 0 and apply succeeds.
void applies(const std::filesystem::path& config) {
  const CliResult plan = cli(config, {"plan"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.exit_code == 0);
  const CliResult apply = cli(config, {"apply"});
  INFO(apply.out << apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(cli(config, {"audit"}).exit_code == 0);
}

}  // namespace

TEST_CASE("an index name held by another relation is numbered for a new table too", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE TABLE rf (id int PRIMARY KEY); CREATE TABLE other (x int);"
          "CREATE INDEX rf_address_parent_id_idx ON other (x); CREATE SEQUENCE rf_address_parent_id_idx_2");
  applies(write_config(db, parents("rf")));
  CHECK(db.count("SELECT count(*) FROM pg_indexes WHERE indexname = 'rf_address_parent_id_idx_3'") == 1);
}

TEST_CASE("SQLite: an index name held by a table or another index is numbered", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE other (x);
    CREATE INDEX customer_address_parent_id_idx ON other (x);
    CREATE TABLE customer (id INTEGER PRIMARY KEY);
    CREATE TABLE supplier (id INTEGER PRIMARY KEY);
    CREATE TABLE supplier_address_parent_id_idx (x);
    CREATE TABLE supplier_address (id INTEGER PRIMARY KEY, street TEXT NOT NULL, zip TEXT,
      parent_id INTEGER NOT NULL REFERENCES supplier (id) ON DELETE CASCADE);
  )");
  applies(write_config(db, parents("customer") + "\n[[parents]]\ntable = \"supplier\"\n"));
  CHECK(db.count("SELECT count(*) FROM sqlite_schema WHERE name = 'customer_address_parent_id_idx_2'") == 1);
  CHECK(db.count("SELECT count(*) FROM sqlite_schema WHERE name = 'supplier_address_parent_id_idx_2'") == 1);
}

TEST_CASE("a CHECK constraint holding the FK's name gives the FK another", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE TABLE pd (id int PRIMARY KEY); INSERT INTO pd VALUES (1);"
          "CREATE TABLE pd_address (id serial PRIMARY KEY, street text NOT NULL, zip text,"
          " parent_id int NOT NULL CONSTRAINT pd_address_parent_id_fkey CHECK (parent_id > 0));"
          "INSERT INTO pd_address (street, parent_id) VALUES ('s', 1)");
  applies(write_config(db, parents("pd")));
  CHECK(db.count("SELECT count(*) FROM pg_constraint WHERE conname = 'pd_address_parent_id_fkey_2'"
                 " AND contype = 'f' AND convalidated") == 1);
}

TEST_CASE("a partitioned address table gets its FK validated in one statement", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE TABLE pc (id int PRIMARY KEY); INSERT INTO pc VALUES (1);"
          "CREATE TABLE pc_address (id int, street text NOT NULL, zip text, parent_id int NOT NULL,"
          " PRIMARY KEY (id, parent_id)) PARTITION BY HASH (parent_id);"
          "CREATE TABLE pc_a0 PARTITION OF pc_address FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
          "CREATE TABLE pc_a1 PARTITION OF pc_address FOR VALUES WITH (MODULUS 2, REMAINDER 1);"
          "INSERT INTO pc_address VALUES (1, 's', NULL, 1)");
  const auto config = write_config(db, parents("pc"));
  CHECK_THAT(cli(config, {"plan", "--sql"}).out, !Catch::Contains("NOT VALID"));
  applies(config);
}

TEST_CASE("partitions, typed tables and inheritance parents are not altered", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE TABLE ra (id int PRIMARY KEY); CREATE TABLE rb (id int PRIMARY KEY);"
          "CREATE TABLE rc (id int PRIMARY KEY); INSERT INTO rc VALUES (1);"
          "CREATE TABLE all_address (id int, street text NOT NULL, parent_id int NOT NULL, kind text NOT NULL)"
          " PARTITION BY LIST (kind);"
          "CREATE TABLE ra_address PARTITION OF all_address FOR VALUES IN ('ra');"
          "CREATE TYPE addr_t AS (id int, street text, parent_id int);"
          "CREATE TABLE rb_address OF addr_t (PRIMARY KEY (id));"
          "CREATE TABLE rc_address (id serial PRIMARY KEY, street text NOT NULL, parent_id int);"
          "CREATE TABLE rc_address_archive (note text) INHERITS (rc_address);"
          "INSERT INTO rc_address_archive (street, parent_id, note) VALUES ('old', 1, 'kept')");
  blocks(db, write_config(db, parents("ra"), "a.toml"), "ra_address is a partition of all_address");
  blocks(db, write_config(db, parents("rb"), "b.toml"), "rb_address is a typed table (OF addr_t)");
  blocks(db, write_config(db, parents("rc"), "c.toml"),
         "rc_address is the parent of inheritance children (rc_address_archive)");
}

TEST_CASE("a schema that does not exist, and a domain holding the parent's name, block", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE SCHEMA crm; CREATE TABLE crm.customer (id int PRIMARY KEY); CREATE DOMAIN re AS int");
  blocks(db, write_config(db, parents("customer", "schema = \"CRM\"\n"), "a.toml"),
         "schema CRM does not exist (did you mean crm?)");
  blocks(db, write_config(db, parents("re", "columns = [{ name = \"name\", type = \"text\" }]\n"), "b.toml"),
         "parent re is a domain, not a table");
}

TEST_CASE("rights the role lacks block the plan, and an existing history needs only INSERT", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const std::string role = "app_" + std::to_string(getpid());
  db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
          "CREATE TABLE qe (id int PRIMARY KEY); CREATE TABLE qr (id int PRIMARY KEY);"
          "CREATE TABLE qe_address (id serial PRIMARY KEY, street text NOT NULL, parent_id int NOT NULL);"
          "CREATE SCHEMA sales; CREATE TABLE sales.qn (id int PRIMARY KEY);"
          "GRANT USAGE ON SCHEMA sales TO " + role + ";"
          "GRANT SELECT, REFERENCES ON qe, qe_address, sales.qn TO " + role + "; GRANT SELECT ON qr TO " + role +
          "; GRANT CREATE ON SCHEMA public TO " + role);
  std::string url = db.url();
  url.replace(url.find("postgres@"), 9, role + ":pw@");
  const std::vector<std::string> as_role = {"--database", url};
  blocks(db, write_config(db, parents("qe"), "a.toml"), "lacks ownership of qe_address", as_role);
  blocks(db, write_config(db, parents("qr"), "b.toml"), "lacks REFERENCES on qr", as_role);
  blocks(db, write_config(db, parents("qn", "schema = \"sales\"\n"), "c.toml"), "lacks CREATE on schema sales",
         as_role);

  // The history table exists, made by another role: INSERT on it is enough.
  db.exec("CREATE TABLE ok (id int PRIMARY KEY)");
  const auto first = write_config(db, parents("ok"), "d.toml");
  REQUIRE(cli(first, {"apply"}).exit_code == 0);
  db.exec("REVOKE CREATE ON SCHEMA public FROM " + role + "; CREATE SCHEMA mine AUTHORIZATION " + role +
          "; GRANT SELECT, INSERT ON public.addrmig_history TO " + role);
  const auto mine = write_config(
      db, parents("t", "schema = \"mine\"\ncolumns = [{ name = \"name\", type = \"text\" }]\n"), "e.toml");
  const CliResult apply = cli(mine, {"--database", url, "apply"});
  INFO(apply.out << apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM public.addrmig_history") == 2);
  db.exec("DROP SCHEMA mine CASCADE; DROP SCHEMA sales CASCADE; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_CASE("another FK on the FK column that contradicts the config blocks, a repeat is reported", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec("CREATE TABLE qh (id int PRIMARY KEY); INSERT INTO qh VALUES (1);"
          "CREATE TABLE qh_address (id serial PRIMARY KEY, street text NOT NULL, zip text, parent_id int NOT NULL);"
          "CREATE INDEX ON qh_address (parent_id);"
          "ALTER TABLE qh_address ADD CONSTRAINT z_restrict FOREIGN KEY (parent_id) REFERENCES qh (id) ON DELETE RESTRICT;"
          "ALTER TABLE qh_address ADD CONSTRAINT a_cascade FOREIGN KEY (parent_id) REFERENCES qh (id) ON DELETE CASCADE");
  const auto config = write_config(db, parents("qh"));
  blocks(db, config, "foreign key z_restrict on qh_address.parent_id also references qh(id) ON DELETE RESTRICT");
  db.exec("ALTER TABLE qh_address DROP CONSTRAINT z_restrict;"
          "ALTER TABLE qh_address ADD CONSTRAINT b_cascade FOREIGN KEY (parent_id) REFERENCES qh (id) ON DELETE CASCADE");
  const CliResult plan = cli(config, {"plan"});
  CHECK(plan.exit_code == 0);
  CHECK_THAT(plan.out, Catch::Contains("foreign key b_cascade on qh_address.parent_id repeats a_cascade"));
}

TEST_CASE("SQLite: a rebuild keeps the table's own spelling, same-affinity types are no change", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id INT PRIMARY KEY);
    INSERT INTO customer VALUES (1);
    CREATE TABLE "Customer_Address" (id INTEGER PRIMARY KEY, street VARCHAR(255) NOT NULL, zip TEXT,
      parent_id INTEGER);
    INSERT INTO "Customer_Address" VALUES (1, 's', NULL, 1);
  )");
  const auto config = write_config(db, parents("customer"));
  const CliResult plan = cli(config, {"plan"});
  CHECK_THAT(plan.out, Catch::Contains("customer_address.street is declared varchar(255), the config says text"));
  applies(config);
  CHECK(db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'customer_a%'") ==
        std::vector<std::string>{"Customer_Address"});
}

void default_column_matches(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, R"([related]
columns = [{ name = "street", type = "text" }, { name = "zip", type = "text", default = "00000" }]

[[parents]]
table = "customer"
columns = [{ name = "name", type = "text" }]

[[seed]]
parent = "customer"
values = { name = "a" }
addresses = [{ street = "x", zip = "00000" }, { street = "x" }]
)");
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  CHECK_THAT(cli(config, {"seed"}).out, Catch::Contains("inserted 0 parent rows and 0 address rows"));
  const CliResult verify = cli(config, {"verify"});
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
}
DIALECT_TEST("an address that leaves out a defaulted column is that default for seed and verify",
             default_column_matches)

void history_in_id_order(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, parents("customer", "columns = [{ name = \"name\", type = \"text\" }]\n"));
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  for (int i = 0; i < 10; ++i)
    db.exec("INSERT INTO addrmig_history (applied_at, tool_version, config_checksum, sql_checksum, statement_count,"
            " duration_ms, source, dialect) VALUES ('2026-01-01T00:00:00Z', '0', 'x', 'y', 1, 1, 'config', 'test')");
  const auto doc = nlohmann::json::parse(cli(config, {"--format", "json", "history"}).out);
  std::vector<long long> ids;
  for (const auto& entry : doc["entries"]) ids.push_back(entry["id"].get<long long>());
  REQUIRE(ids.size() == 11);
  CHECK(std::is_sorted(ids.begin(), ids.end()));  // 1, 2, ..., 11; never 1, 10, 11, 2
}
DIALECT_TEST("history lists entries in id order, numerically", history_in_id_order)
