// --lock-timeout is one bound for every command and every wait: read-only
// commands honour it (exit 3), 0 means "do not wait" on both dialects and in
// both places, a database statement_timeout does not override it, and SQLite
// in rollback-journal mode behind a long reader waits once, not per spill.

#include <soci/soci.h>

#include <chrono>
#include <thread>

#include "tests/cli/faults_helpers.h"

using namespace addrmig;
using namespace addrmig::test;
using namespace std::chrono_literals;

namespace {

// The bounds below are deadlines the feature promises (exit 3 after the lock
// timeout, not after many of them), not speed measurements: each allows
// seconds of slack on a loaded machine.
constexpr long kSlackMs = 4000;

const char* kOneParent =
    "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n"
    "[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n"
    "[[seed]]\nparent = \"customer\"\nvalues = { name = \"c1\" }\naddresses = [ { street = \"s1\" } ]\n";

struct Timed {
  CliResult result;
  long ms;
};

Timed timed_cli(const std::filesystem::path& config, const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  CliResult result = cli(config, args);
  return {result, elapsed_ms(start)};
}

void check_lock_timeout(const Timed& t, long timeout_ms) {
  INFO(t.result.err << " after " << t.ms << " ms");
  CHECK(t.result.exit_code == 3);
  CHECK(count_lines(t.result.err) == 1);
  CHECK(t.ms < timeout_ms + kSlackMs);
}

}  // namespace

TEST_CASE("plan, audit, verify and history wait at most --lock-timeout for a table lock", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, kOneParent);
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  // A missing FK makes plan and audit count orphans in customer_address.
  db.exec("ALTER TABLE customer_address DROP CONSTRAINT customer_address_parent_id_fkey");
  {
    LockHolder holder(db, "customer_address");
    for (const char* command : {"plan", "audit"}) check_lock_timeout(timed_cli(config, {"--lock-timeout", "1", command}), 1000);
  }
  {
    LockHolder holder(db, "customer");
    check_lock_timeout(timed_cli(config, {"--lock-timeout", "1", "verify"}), 1000);
  }
  {
    LockHolder holder(db, "addrmig_history");
    check_lock_timeout(timed_cli(config, {"history", "--lock-timeout", "1"}), 1000);
  }
  CHECK(addrmig_locks(db) == 0);
}

void lock_timeout_zero_does_not_wait(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, kOneParent);
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  const auto with_zero = write_config(db, std::string("[apply]\nlock_timeout = 0\n") + kOneParent, "zero.toml");
  // Another writer holds the database (SQLite) or the table (PostgreSQL).
  Connection holder = db.connect();
  if (dialect == Dialect::Sqlite) {
    holder.execute("BEGIN IMMEDIATE");
  } else {
    holder.execute("BEGIN");
    holder.execute("LOCK TABLE customer IN ACCESS EXCLUSIVE MODE");
  }
  check_lock_timeout(timed_cli(config, {"--lock-timeout", "0", "seed"}), 0);
  check_lock_timeout(timed_cli(with_zero, {"seed"}), 0);
  holder.execute("ROLLBACK");
  // Nothing in the way: 0 still works.
  CHECK(cli(with_zero, {"seed"}).exit_code == 0);
}
DIALECT_TEST("a lock timeout of 0 (--lock-timeout 0, [apply] lock_timeout = 0) fails at once when a lock is taken", lock_timeout_zero_does_not_wait)

// `ALTER DATABASE ... SET` or, with precedence over it, `ALTER ROLE ... IN
// DATABASE ... SET` (a role's setting, kept to this test's database).
void set_default(TestDatabase& db, const std::string& scope, const std::string& setting, const std::string& value) {
  const std::string target = scope == "database" ? "DATABASE %I" : "ROLE current_user IN DATABASE %I";
  db.exec("DO $$ BEGIN EXECUTE format('ALTER " + target + " SET " + setting + " = %L', current_database(), '" +
          value + "'); END $$");
}

TEST_CASE("a database or role statement_timeout neither cuts the lock wait short nor kills long statements",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, kOneParent);
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text);"
          "INSERT INTO customer SELECT i, 'c' || i FROM generate_series(1, 300000) i;"
          "CREATE TABLE customer_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL);"
          "INSERT INTO customer_address SELECT i, i, 's' FROM generate_series(1, 300000) i;");
  for (const std::string scope : {"database", "role"}) {
    // The lock wait is bounded by --lock-timeout 3, not by the 1 s statement_timeout.
    INFO("statement_timeout of the " << scope);
    set_default(db, scope, "statement_timeout", "1s");
    LockHolder holder(db, "customer");
    const Timed t = timed_cli(config, {"--lock-timeout", "3", "apply"});
    check_lock_timeout(t, 3000);
    CHECK(t.ms >= 2500);
    CHECK(t.result.err.find("timed out waiting for a lock") != std::string::npos);
    CHECK(t.result.err.find("nothing was applied") != std::string::npos);
    db.exec("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET statement_timeout', current_database()); END $$");
  }
  // The FK index in the migration, and the VALIDATE over 300,000 rows in its
  // own transaction after the commit, take longer than 10 ms.
  set_default(db, "role", "statement_timeout", "10ms");
  CliResult apply = cli(config, {"apply"});
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  // Reset from the maintenance database: every new session of this one has
  // the 10 ms too, the test's own included.
  Connection admin = Connection::open(parse_database_url(postgres_admin_url()), OpenMode::ReadWrite);
  admin.execute("ALTER ROLE current_user IN DATABASE \"" + db.name() + "\" RESET statement_timeout");
  CHECK(db.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated") == 1);
  // Both transactions recorded their own run id: the validation's is the
  // migration's with ".1".
  CHECK(db.query("SELECT source FROM addrmig_history ORDER BY id") ==
        std::vector<std::string>{"config", "config (validate)"});
  CHECK(db.count("SELECT count(*) FROM addrmig_history a JOIN addrmig_history v ON v.run_id = a.run_id || '.1'"
                 " WHERE a.source = 'config' AND v.source = 'config (validate)' AND length(a.run_id) = 32") == 1);
}

TEST_CASE("SQLite rollback journal behind a long reader: --lock-timeout is one deadline", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_config(db, kOneParent);
  // A drifted address table with enough rows that the rebuild spills its cache.
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text);\n"
          "INSERT INTO customer VALUES (1, 'c1');\n"
          "CREATE TABLE customer_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL);\n"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
          " INSERT INTO customer_address SELECT i, 1, printf('%0100d', i) FROM n;\n");
  const std::string before = db.dump();
  Connection reader = db.connect();
  reader.execute("BEGIN");
  int rows = 0;
  reader.session() << "SELECT count(*) FROM customer_address", soci::into(rows);  // holds SHARED
  const Timed t = timed_cli(config, {"--lock-timeout", "2", "apply"});
  check_lock_timeout(t, 2000);
  CHECK(t.result.err.find("nothing was applied") != std::string::npos);
  reader.execute("ROLLBACK");
  CHECK(db.dump() == before);
  CHECK_FALSE(std::filesystem::exists(db.file().string() + "-journal"));

  // A reader that finishes within the deadline: the apply waits, then runs.
  reader.execute("BEGIN");
  reader.session() << "SELECT count(*) FROM customer_address", soci::into(rows);
  BackgroundAddrmig apply({"-c", config.string(), "--lock-timeout", "10", "apply"});
  std::this_thread::sleep_for(1s);
  reader.execute("ROLLBACK");
  CHECK(apply.wait(30s) == 0);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
}

TEST_CASE("SQLite read-only commands wait at most --lock-timeout behind a writer", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_config(db, kOneParent);
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  Connection writer = db.connect();
  writer.execute("BEGIN EXCLUSIVE");  // rollback-journal mode: no reader gets in
  for (const char* command : {"plan", "audit", "verify", "history"})
    check_lock_timeout(timed_cli(config, {"--lock-timeout", "1", command}), 1000);
  writer.execute("ROLLBACK");
  CHECK(cli(config, {"--lock-timeout", "1", "verify"}).exit_code == 0);
}
