// Issue #11: the ten ways hand-grown databases broke addrmig, one regression
// test each (the generative tester in tests/torture found them all; its
// shrunk fixtures replay in the torture_* tests too).

#include <unistd.h>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

const char kRelated[] = R"([related]
name = "address"
foreign_key = "parent_id"
on_delete = "cascade"
columns = [{ name = "street", type = "text" }]
)";

std::string parents(const std::string& table, const std::string& extra = "") {
  return std::string(kRelated) + "\n[[parents]]\ntable = \"" + table + "\"\n" + extra;
}

}  // namespace

TEST_CASE("#11.1 a SQLite rebuild recreates the INSTEAD OF triggers of dependent views", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY);
    INSERT INTO customer VALUES (1);
    CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL, parent_id integer NOT NULL);
    INSERT INTO customer_address VALUES (1, 'a', 1);
    CREATE VIEW v AS SELECT * FROM customer_address;
  )");
  db.connect().execute(R"(CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN
      INSERT INTO customer_address (street, parent_id) VALUES (NEW.street, NEW.parent_id);
    END)");
  const auto config = write_config(db, parents("customer"));
  const CliResult plan = cli(config, {"plan", "--sql"});
  CHECK_THAT(plan.out, Catch::Contains("recreate trigger v_ins on view v"));
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = 'v_ins'") == 1);
  db.exec("INSERT INTO v (street, parent_id) VALUES ('through the view', 1)");
  CHECK(db.count("SELECT count(*) FROM customer_address") == 2);
}

TEST_CASE("#11.2 a SQLite parent key unique only under another collation is blocked", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE p2 (id integer PRIMARY KEY, code text NOT NULL);
    CREATE UNIQUE INDEX p2_code ON p2 (code COLLATE NOCASE);
  )");
  const auto config = write_config(db, parents("p2", "key = \"code\"\n"));
  const std::string before = db.dump();
  const CliResult plan = cli(config, {"plan"});
  CHECK(plan.exit_code == 1);
  CHECK_THAT(plan.out, Catch::Contains("is unique only through index p2_code") &&
                           Catch::Contains("collation differs from the column's"));
  CHECK(cli(config, {"apply"}).exit_code == 1);
  CHECK(db.dump() == before);
  // With a unique index in the column's own collation, the key works.
  db.exec("CREATE UNIQUE INDEX p2_code_binary ON p2 (code)");
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  db.exec("PRAGMA foreign_keys = ON; INSERT INTO p2 (code) VALUES ('a'); DELETE FROM p2");
}

TEST_CASE("#11.3 replacing a PostgreSQL FK keeps ON UPDATE, DEFERRABLE and MATCH", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TABLE customer (id serial PRIMARY KEY);
    CREATE TABLE customer_address (id serial PRIMARY KEY, street text NOT NULL,
      parent_id integer NOT NULL CONSTRAINT customer_address_parent_id_fkey REFERENCES customer (id)
        MATCH FULL ON UPDATE CASCADE ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED);
    CREATE INDEX ON customer_address (parent_id);
  )");
  const auto config = write_config(db, parents("customer"));
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  CHECK(db.query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                 "'customer_address_parent_id_fkey'") ==
        std::vector<std::string>{"FOREIGN KEY (parent_id) REFERENCES customer(id) MATCH FULL ON UPDATE "
                                 "CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"});
}

void exact_decimals(Dialect dialect) {
  TestDatabase db(dialect);
  const std::string id = dialect == Dialect::Postgres ? "id serial" : "id integer";
  db.exec("CREATE TABLE account (" + id + " PRIMARY KEY, balance numeric(10,2) NOT NULL)");
  const auto config = write_config(db, parents("account") + R"(
[[seed]]
parent = "account"
values = { balance = 0.1 }
addresses = [{ street = "one" }]
)");
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  REQUIRE(cli(config, {"seed"}).exit_code == 0);
  REQUIRE(cli(config, {"seed"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM account") == 1);
  CHECK(db.count("SELECT count(*) FROM account_address") == 1);
  CHECK(db.query("SELECT CAST(balance AS TEXT) FROM account") ==
        std::vector<std::string>{dialect == Dialect::Postgres ? "0.10" : "0.1"});
  CHECK(cli(config, {"verify"}).exit_code == 0);
}
DIALECT_TEST("#11.4 numeric seed values reach the database as exact decimals", exact_decimals)

TEST_CASE("#11.5 SQLite column and key names match case-insensitively", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY, CODE text UNIQUE);
    CREATE TABLE customer_address (id integer PRIMARY KEY, Street text NOT NULL,
                                   Parent_ID text NOT NULL REFERENCES customer (CODE) ON DELETE CASCADE);
    CREATE INDEX customer_address_fk ON customer_address (Parent_ID);
  )");
  const auto config = write_config(db, parents("customer", "key = \"code\"\n"));
  const CliResult plan = cli(config, {"plan", "--check"});
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 0);  // nothing to do: Street is street, CODE is code
  CHECK(cli(config, {"apply"}).exit_code == 0);
  CHECK(cli(config, {"audit"}).exit_code == 0);

  const auto clash = write_config(db, R"([related]
columns = [{ name = "street", type = "text" }, { name = "STREET", type = "text" }]
[[parents]]
table = "customer"
)", "clash.toml");
  const CliResult bad = cli(clash, {"plan"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("clash.toml:5:") && Catch::Contains("SQLite names ignore case"));
}

TEST_CASE("#11.6 re-targeting an FK with rows is blocked, never re-parenting them", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY, ext integer UNIQUE, name text);
    INSERT INTO customer VALUES (1, 2, 'Ada'), (2, 1, 'Bob');
    CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL,
                                   parent_id integer NOT NULL REFERENCES customer (ext) ON DELETE CASCADE);
    CREATE INDEX customer_address_fk ON customer_address (parent_id);
    INSERT INTO customer_address VALUES (1, 'Ada street', 2);
  )");
  const auto config = write_config(db, parents("customer"));
  const std::string before = db.dump();
  const CliResult plan = cli(config, {"plan"});
  CHECK(plan.exit_code == 1);
  CHECK_THAT(plan.out, Catch::Contains("would hand rows to other parents") &&
                           Catch::Contains("set key in the [[parents]] entry"));
  CHECK(cli(config, {"apply"}).exit_code == 1);
  CHECK(db.dump() == before);
  // The way out the finding names: keep the FK's own key.
  const auto keyed = write_config(db, parents("customer", "key = \"ext\"\n"), "keyed.toml");
  CHECK(cli(keyed, {"apply"}).exit_code == 0);
  CHECK(db.query("SELECT c.name FROM customer_address a JOIN customer c ON c.ext = a.parent_id") ==
        std::vector<std::string>{"Ada"});
}

void name_held_by_view(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec("CREATE TABLE people (id integer PRIMARY KEY, name text)");
  db.exec("CREATE VIEW customer AS SELECT id, name FROM people");
  const auto config = write_config(db, parents("customer", "columns = [{ name = \"name\", type = \"text\" }]\n"));
  const std::string before = db.dump();
  const CliResult plan = cli(config, {"--format", "json", "plan"});
  CHECK(plan.exit_code == 1);
  const auto doc = nlohmann::json::parse(plan.out);
  CHECK(doc["parents"][0]["findings"][0]["kind"] == "name_taken");
  CHECK_THAT(doc["parents"][0]["findings"][0]["message"].get<std::string>(),
             Catch::Contains("is a view, not a table"));
  CHECK(cli(config, {"apply"}).exit_code == 1);
  CHECK(db.dump() == before);
}
DIALECT_TEST("#11.7 a parent name held by a view is blocked, not created", name_held_by_view)

TEST_CASE("#11.7 materialized views, foreign tables and sequences block too", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE MATERIALIZED VIEW customer AS SELECT 1 AS id;
    CREATE FOREIGN DATA WRAPPER fdw11; CREATE SERVER srv11 FOREIGN DATA WRAPPER fdw11;
    CREATE FOREIGN TABLE supplier (id integer) SERVER srv11;
    CREATE TABLE vendor (id serial PRIMARY KEY);
    CREATE SEQUENCE vendor_address;
  )");
  const auto config = write_config(db, std::string(kRelated) + R"(
[[parents]]
table = "customer"
columns = [{ name = "name", type = "text" }]
[[parents]]
table = "supplier"
columns = [{ name = "name", type = "text" }]
[[parents]]
table = "vendor"
)");
  const CliResult plan = cli(config, {"plan"});
  CHECK(plan.exit_code == 1);
  CHECK_THAT(plan.out, Catch::Contains("parent customer is a materialized view") &&
                           Catch::Contains("parent supplier is a foreign table") &&
                           Catch::Contains("address table vendor_address is a sequence"));
  db.exec("DROP SERVER srv11 CASCADE; DROP FOREIGN DATA WRAPPER fdw11");
}

TEST_CASE("#11.8 a role owning only its schema applies, with the history in that schema", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const std::string role = "owner_" + std::to_string(getpid());
  db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; CREATE SCHEMA sales AUTHORIZATION " + role +
          "; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  std::string url = db.url();
  url.replace(url.find("postgres@"), 9, role + ":pw@");
  const auto config = write_config(db, parents("customer", "schema = \"sales\"\ncolumns = [{ name = \"name\", type = \"text\" }]\n"));
  const CliResult apply = cli(config, {"--database", url, "apply"});
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM sales.addrmig_history") == 1);
  const CliResult history = cli(config, {"--database", url, "--format", "json", "history"});
  CHECK(nlohmann::json::parse(history.out)["entries"].size() == 1);

  // [history] schema puts it elsewhere.
  db.exec("CREATE SCHEMA audit AUTHORIZATION " + role);
  const auto elsewhere = write_config(
      db, "[history]\nschema = \"audit\"\n\n" +
              parents("supplier", "schema = \"sales\"\ncolumns = [{ name = \"name\", type = \"text\" }]\n"),
      "elsewhere.toml");
  CHECK(cli(elsewhere, {"--database", url, "apply"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM audit.addrmig_history") == 1);
  db.exec("DROP SCHEMA sales CASCADE; DROP SCHEMA audit CASCADE; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

void run_reports_completed_stages(Dialect dialect) {
  TestDatabase db(dialect);
  const std::string id = dialect == Dialect::Postgres ? "id serial" : "id integer";
  // A CHECK no plan can evaluate: the seed fails only when it inserts.
  db.exec("CREATE TABLE customer (" + id + " PRIMARY KEY, name text NOT NULL CHECK (name <> 'Ada'))");
  const auto config = write_config(db, parents("customer") + R"(
[[seed]]
parent = "customer"
values = { name = "Ada" }
addresses = [{ street = "one" }]
)");
  const CliResult json = cli(config, {"--format", "json", "run"});
  CHECK(json.exit_code == 1);
  const auto doc = nlohmann::json::parse(json.out);  // one document
  CHECK(doc["apply"]["applied"] == true);
  CHECK(doc["error"]["stage"] == "seed");
  CHECK_THAT(doc["error"]["message"].get<std::string>(), Catch::Contains("customer"));
  // Word for word the stderr line, which says the migration committed.
  CHECK(json.err == "addrmig: error: " + doc["error"]["message"].get<std::string>() + "\n");
  CHECK_THAT(json.err, Catch::Contains("the migration itself was applied (run "));
  CHECK(doc["error"]["exit"] == 1);
  CHECK_FALSE(doc.contains("verify"));

  db.exec("DROP TABLE customer_address");
  const CliResult text = cli(config, {"run"});
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("customer_address"));  // the committed apply
  CHECK_THAT(text.err, Catch::Contains("CHECK") || Catch::Contains("check"));
  CHECK_THAT(text.err, Catch::Contains("the migration itself was applied"));
  CHECK(std::count(text.err.begin(), text.err.end(), '\n') == 1);  // one line
}

// A seed the tables cannot take (a NOT NULL column without a value) is found
// by the plan: `run` refuses before applying, `apply` is not held up.
void run_refuses_incomplete_seed(Dialect dialect) {
  TestDatabase db(dialect);
  const std::string id = dialect == Dialect::Postgres ? "id serial" : "id integer";
  db.exec("CREATE TABLE customer (" + id + " PRIMARY KEY, name text NOT NULL, tier text NOT NULL)");
  const auto config = write_config(db, parents("customer") + R"(
[[seed]]
parent = "customer"
values = { name = "Ada" }
addresses = [{ street = "one" }]
)");
  const std::string before = db.dump();
  const CliResult plan = cli(config, {"plan"});
  CHECK(plan.exit_code == 0);
  CHECK_THAT(plan.out, Catch::Contains("gives no value for customer.tier"));
  const CliResult run = cli(config, {"run"});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("customer.tier") && Catch::Contains("nothing was applied"));
  CHECK(db.dump() == before);
  CHECK(cli(config, {"apply"}).exit_code == 0);
}
DIALECT_TEST("run refuses a seed the tables cannot take before applying anything", run_refuses_incomplete_seed)

DIALECT_TEST("#11.9 run prints the committed apply when seed then fails", run_reports_completed_stages)

TEST_CASE("#11.10 apply FILE names the orphans the re-plan found", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
    CREATE TABLE customer (id integer PRIMARY KEY);
    INSERT INTO customer VALUES (1);
    CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL, parent_id integer NOT NULL);
    CREATE INDEX customer_address_fk ON customer_address (parent_id);
    INSERT INTO customer_address VALUES (1, 'a', 1);
  )");
  const auto config = write_config(db, parents("customer"));
  const auto saved = db.dir() / "plan.sql";
  REQUIRE(cli(config, {"plan", "--out", saved.string()}).exit_code == 0);
  db.exec("INSERT INTO customer_address VALUES (7, 'orphan', 99)");
  const std::string before = db.dump();
  const CliResult apply = cli(config, {"apply", saved.string()});
  CHECK(apply.exit_code == 2);
  CHECK_THAT(apply.err, Catch::Contains("the plan is now blocked") && Catch::Contains("1 orphan row (id 7)"));
  CHECK(db.dump() == before);
}

void nul_in_seed_value(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, parents("customer", "columns = [{ name = \"name\", type = \"text\" }]\n") + R"(
[[seed]]
parent = "customer"
values = { name = "a\u0000b" }
addresses = []
)");
  const CliResult run = cli(config, {"run"});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("addrmig.toml:16:") && Catch::Contains("NUL character"));
  CHECK(db.dump() == TestDatabase(dialect).dump());  // nothing created
}
DIALECT_TEST("a seed value with a NUL character is a config error, never a cut value", nul_in_seed_value)
