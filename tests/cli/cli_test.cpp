// The real binary, end to end, on both dialects: exit codes, stdout/stderr
// kept apart, JSON that parses, idempotent runs, a plan that never writes.

#include <soci/soci.h>

#include <chrono>
#include <thread>

#include "lib/database_url.h"
#include "lib/transaction.h"
#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;
using nlohmann::json;

namespace {

void run_twice_is_identical(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);

  CliResult first = cli(config, {"run"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("customer(id=1, name='customer 1')") != std::string::npos);
  CHECK(first.out.find("customer_address(id=1, street='123 anywhere street', city='New York', zip='10110', parent_id='1')") != std::string::npos);
  CHECK(first.out.find("    -> supplier(id=1, company_name='Ace Hammers')") != std::string::npos);
  CHECK(first.out.find("verify: ok") != std::string::npos);
  CHECK(first.err.find("verify: ok") == std::string::npos);  // results only on stdout
  const std::string after_first = db.dump();

  CliResult second = cli(config, {"run"});
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("nothing to do") != std::string::npos);
  CHECK(second.out.find("inserted 0 parent rows and 0 address rows") != std::string::npos);
  CHECK(db.dump() == after_first);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 1);
  CHECK(db.count("SELECT count(*) FROM customer_address") == 2);
  CHECK(db.count("SELECT count(*) FROM supplier_address") == 1);
}
POOLED_DIALECT_TEST("run twice leaves schema and data identical", run_twice_is_identical)

void plan_never_writes(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  if (dialect == Dialect::Postgres) db.exec("CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL)");
  const std::string before = dialect == Dialect::Postgres ? db.dump() : "";

  CliResult plan = cli(config, {"plan"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("+ customer -> ") != std::string::npos);
  CHECK(plan.out.find("customer_address: create\n") != std::string::npos);
  CHECK(plan.out.find("CREATE TABLE") != std::string::npos);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 2);
  CHECK(cli(config, {"audit"}).exit_code == 2);
  CHECK(cli(config, {"history"}).exit_code == 0);
  if (dialect == Dialect::Sqlite) CHECK_FALSE(std::filesystem::exists(db.file()));
  else CHECK(db.dump() == before);

  // On an existing database too: the SQLite file's bytes, and the catalog
  // and rows on PostgreSQL, are unchanged by every read-only command.
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  db.exec("DELETE FROM customer_address WHERE city = 'New York'");
  const std::string bytes = dialect == Dialect::Sqlite ? read_file(db.file()) : "";
  const std::string dump = db.dump();
  CHECK(cli(config, {"plan"}).exit_code == 0);
  CHECK(cli(config, {"audit"}).exit_code == 0);
  CHECK(cli(config, {"verify"}).exit_code == 2);
  CHECK(cli(config, {"history"}).exit_code == 0);
  CHECK(db.dump() == dump);
  if (dialect == Dialect::Sqlite) CHECK(read_file(db.file()) == bytes);
}
POOLED_DIALECT_TEST("plan, audit and history never write", plan_never_writes)

void plan_check_is_clean_after_apply(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  CliResult check = cli(config, {"plan", "--check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("= customer -> ") != std::string::npos);
  CHECK(check.out.find("customer_address: ok\n") != std::string::npos);
  CHECK(cli(config, {"audit"}).exit_code == 0);
  CliResult sql = cli(config, {"plan", "--sql"});
  CHECK(sql.exit_code == 0);
  CHECK(sql.out.find("-- nothing to do") != std::string::npos);
}
POOLED_DIALECT_TEST("plan --check and audit are clean after apply", plan_check_is_clean_after_apply)

void json_outputs_parse(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  json plan = json::parse(cli(config, {"--format", "json", "plan"}).out);
  CHECK(plan["format_version"] == 1);
  CHECK(plan["command"] == "plan");
  CHECK(plan["pending"] == true);
  REQUIRE(plan["parents"].size() == 2);
  CHECK(plan["parents"][0]["status"] == "create");
  CHECK_FALSE(plan["parents"][0]["statements"].empty());

  CliResult run = cli(config, {"run", "--format", "json"});
  REQUIRE(run.exit_code == 0);
  json doc = json::parse(run.out);
  CHECK(doc["verify"]["ok"] == true);
  CHECK(doc["seed"]["addresses_inserted"] == 3);

  json audit = json::parse(cli(config, {"--format", "json", "audit"}).out);
  CHECK(audit["drift"] == 0);
  json verify = json::parse(cli(config, {"--format", "json", "verify"}).out);
  CHECK(verify["ok"] == true);
  CHECK(verify["entries"][0]["addresses"].size() == 2);
  CHECK(verify["entries"][0]["addresses"][0]["parents"][0]["values"]["name"] == "customer 1");
  json history = json::parse(cli(config, {"--format", "json", "history"}).out);
  REQUIRE(history["entries"].size() == 1);
  CHECK(history["entries"][0]["statement_count"].get<int>() > 0);
  CHECK(history["entries"][0]["source"] == "config");
}
POOLED_DIALECT_TEST("format json documents parse and have the documented shape", json_outputs_parse)

void verify_reports_mismatches(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  db.exec("DELETE FROM customer_address WHERE street = '40 main street'");
  db.exec("INSERT INTO supplier_address (street, city, zip, parent_id) VALUES ('x', 'y', 'z', 1)");
  CliResult verify = cli(config, {"verify"});
  CHECK(verify.exit_code == 2);
  CHECK(verify.out.find("MISMATCH customer name='customer 1': expected 1 address(es) "
                        "street='40 main street', city='San Francisco', zip='95732', found 0") != std::string::npos);
  CHECK(verify.out.find("MISMATCH supplier company_name='Ace Hammers': has 2 address rows, expected 1") !=
        std::string::npos);
  // seed repairs the missing row; the extra one stays (never deleted).
  REQUIRE(cli(config, {"seed"}).exit_code == 0);
  CliResult again = cli(config, {"verify"});
  CHECK(again.exit_code == 2);
  CHECK(again.out.find("MISMATCH customer") == std::string::npos);
}
POOLED_DIALECT_TEST("verify lists every mismatch and exits 2", verify_reports_mismatches)

void blocked_plan_changes_nothing(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, R"(
[related]
columns = [ { name = "street", type = "text" } ]

[[parents]]
table = "customer"
columns = [ { name = "name", type = "text" } ]

[[parents]]
table = "vendor"
)");
  db.exec("CREATE TABLE keep_me (id integer PRIMARY KEY)");
  const std::string before = db.dump();
  for (const char* command : {"plan", "apply", "run"}) {
    CliResult r = cli(config, {command});
    INFO(command << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("vendor not found") != std::string::npos);
    CHECK(r.err.find("blocked: parent table") != std::string::npos);
  }
  CHECK(db.dump() == before);
}
POOLED_DIALECT_TEST("a blocked plan exits 1 and changes nothing", blocked_plan_changes_nothing)

void lock_timeout_exits_3(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  db.exec("CREATE TABLE unrelated (id integer PRIMARY KEY)");  // the database exists
  const std::string before = db.dump();
  Connection holder = db.connect();
  std::optional<MigrationTransaction> lock;
  lock.emplace(holder, std::chrono::milliseconds(1000));
  const auto started = std::chrono::steady_clock::now();
  CliResult r = cli(config, {"apply", "--lock-timeout", "2"});
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("lock"));
  CHECK(count_lines(r.err) == 1);
  // It waited for the lock the whole timeout (an exit 3 at once would be a
  // failure to wait, not a timeout), and no longer than it was allowed.
  CHECK(waited >= std::chrono::milliseconds(1900));
  CHECK(waited < std::chrono::seconds(30));
  lock.reset();
  CHECK(db.dump() == before);  // nothing changed
  CHECK(cli(config, {"apply", "--lock-timeout", "2"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 1);
}
POOLED_DIALECT_TEST("apply exits 3 when the migration lock is held elsewhere", lock_timeout_exits_3)

}  // namespace

TEST_CASE("SQLite connections enforce foreign keys", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  Connection conn = db.connect();
  int enabled = 0;
  conn.session() << "PRAGMA foreign_keys", soci::into(enabled);
  CHECK(enabled == 1);
}

TEST_CASE("version and help succeed on stdout", "[sqlite]") {
  CliResult version = run_addrmig({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out == "addrmig " ADDRMIG_VERSION "\n");
  CliResult help = run_addrmig({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* command : {"plan", "apply", "audit", "seed", "verify", "run", "history"})
    CHECK(help.out.find(command) != std::string::npos);
  CHECK(run_addrmig({"plan", "--help"}).out.find("--check") != std::string::npos);
}

TEST_CASE("bad arguments and configs are one line on stderr with exit 1", "[sqlite]") {
  TempDir dir;
  CliResult unknown = run_addrmig({"frobnicate"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.out.empty());
  CHECK(count_lines(unknown.err) == 1);

  CliResult missing = run_addrmig({"-c", (dir.path() / "nope.toml").string(), "plan"});
  CHECK(missing.exit_code == 1);
  CHECK(count_lines(missing.err) == 1);
  CHECK(missing.err.find("nope.toml") != std::string::npos);

  write_file(dir.path() / "bad.toml", "[database]\nurl = \"sqlite:x.db\"\n[[parents]]\ntable = \"a\"\ncolums = []\n");
  CliResult bad = run_addrmig({"-c", (dir.path() / "bad.toml").string(), "apply"}, CliOptions{dir.path()});
  CHECK(bad.exit_code == 1);
  CHECK(count_lines(bad.err) == 1);
  CHECK(bad.err.find("bad.toml:5") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "x.db"));
}

TEST_CASE("database URL precedence: --database > ADDRMIG_DATABASE_URL > config", "[sqlite]") {
  TempDir dir;
  write_file(dir.path() / "addrmig.toml",
             read_file(source_dir() / "configs" / "example.toml"));  // url = sqlite:addrmig-demo.db
  CliOptions in_dir{dir.path()};
  REQUIRE(run_addrmig({"apply"}, in_dir).exit_code == 0);
  CHECK(std::filesystem::exists(dir.path() / "addrmig-demo.db"));

  CliOptions with_env{dir.path(), {{"ADDRMIG_DATABASE_URL", "sqlite:from-env.db"}}, {}};
  REQUIRE(run_addrmig({"apply"}, with_env).exit_code == 0);
  CHECK(std::filesystem::exists(dir.path() / "from-env.db"));

  REQUIRE(run_addrmig({"--database", "sqlite:///" + (dir.path() / "from-flag.db").string().substr(1), "apply"},
                      with_env).exit_code == 0);
  CHECK(std::filesystem::exists(dir.path() / "from-flag.db"));
}

TEST_CASE("a password in the URL is never printed", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  // Trust auth ignores the password, so the URL still connects.
  std::string url = db.url();
  url.replace(url.find("postgres@"), 9, "postgres:S3cr3t-pw@");
  const auto config = write_example_config(db);
  for (auto args : std::vector<std::vector<std::string>>{
           {"run"}, {"plan"}, {"--format", "json", "plan"}, {"audit"}, {"verify"}, {"history"}, {"-v", "apply"}}) {
    args.insert(args.begin(), {"--database", url});
    CliResult r = cli(config, args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("S3cr3t-pw") == std::string::npos);
    CHECK(r.err.find("S3cr3t-pw") == std::string::npos);
  }
  std::string bad = url;
  bad.replace(bad.rfind(':'), bad.find('/', bad.rfind(':')) - bad.rfind(':'), ":1");
  CliResult refused = cli(config, {"--database", bad, "plan"});
  CHECK(refused.exit_code == 1);
  CHECK(count_lines(refused.err) == 1);
  CHECK(refused.err.find("127.0.0.1:1") != std::string::npos);
  CHECK(refused.err.find("S3cr3t-pw") == std::string::npos);
  CHECK(db.count("SELECT count(*) FROM addrmig_history WHERE concat_ws(' ', tool_version, config_checksum, "
                 "sql_checksum, source, dialect) LIKE '%S3cr3t%'") == 0);
}
