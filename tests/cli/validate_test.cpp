// PostgreSQL: a new foreign key is added NOT VALID inside the migration and
// validated after it commits, in a transaction of its own, so writers are not
// blocked for the scan (issue #14, item 3). The tests stage the lock queue
// with other sessions and read pg_locks: no timing thresholds.

#include <signal.h>
#include <soci/soci.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

namespace addrmig::test {
namespace {

// Polls `condition` until it holds; fails the test after 60 seconds.
template <typename Condition>
void wait_until(const std::string& what, Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

long long scalar(Connection& conn, const std::string& sql) {
  long long out = 0;
  conn.session() << sql, soci::into(out);
  return out;
}

// Locks a session waits for on `table` (optionally in one mode).
std::string waiting_on(const std::string& table, const std::string& mode = "") {
  return "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '" + table + "'::regclass" +
         (mode.empty() ? "" : " AND mode = '" + mode + "'");
}

// p1_address holds rows but has no FK (added NOT VALID, then validated);
// p2_address is missing (created, referencing p2). p2's lock holds the
// migration mid-way, after ADD CONSTRAINT, while the test stages the queue.
struct Staged {
  TestDatabase db{Dialect::Postgres};
  std::filesystem::path config;
  Connection holder = db.connect();    // holds p2 until released
  Connection blocker = db.connect();   // queues SHARE UPDATE EXCLUSIVE on p1_address
  std::future<void> blocker_locked;

  Staged() {
    db.exec("CREATE TABLE p1 (id integer PRIMARY KEY, name text);"
            "CREATE TABLE p1_address (id serial PRIMARY KEY, street text NOT NULL, parent_id integer NOT NULL);"
            "INSERT INTO p1 SELECT g, 'p' || g FROM generate_series(1, 1000) g;"
            "INSERT INTO p1_address (street, parent_id) SELECT 's' || g, g FROM generate_series(1, 1000) g;"
            "CREATE TABLE p2 (id integer PRIMARY KEY, name text);");
    config = write_config(db, R"(
[related]
columns = [ { name = "street", type = "text" } ]

[[parents]]
table = "p1"

[[parents]]
table = "p2"
)");
  }

  // Starts `apply` and returns once it holds ADD CONSTRAINT's locks on p1 and
  // p1_address and waits for p2; the blocker is then queued behind it.
  std::future<CliResult> start_apply(const std::string& lock_timeout) {
    hold_p2();
    auto apply = std::async(std::launch::async, [this, lock_timeout] {
      return cli(config, {"apply", "--lock-timeout", lock_timeout});
    });
    queue_blocker_and_release_p2();
    return apply;
  }

  void hold_p2() {
    holder.execute("BEGIN");
    holder.execute("LOCK TABLE p2 IN ROW EXCLUSIVE MODE");
  }

  // Once apply waits for p2: queues the blocker behind apply's locks on
  // p1_address, then lets apply go on; the migration commits, the blocker
  // gets its lock, and the validation waits for it.
  void queue_blocker_and_release_p2() {
    wait_until("apply waits for p2", [&] { return scalar(holder, waiting_on("p2")) == 1; });
    blocker.execute("BEGIN");
    blocker_locked = std::async(std::launch::async, [this] {
      blocker.execute("LOCK TABLE p1_address IN SHARE UPDATE EXCLUSIVE MODE");
    });
    wait_until("the blocker queues behind apply",
               [&] { return scalar(holder, waiting_on("p1_address", "ShareUpdateExclusiveLock")) == 1; });
    holder.execute("COMMIT");  // the migration commits; the blocker gets its lock
    blocker_locked.get();
  }
};

}  // namespace

TEST_CASE("VALIDATE runs after the migration commits, and writers are not blocked for it", "[postgres]") {
  Staged staged;
  CliResult sql = cli(staged.config, {"plan", "--sql"});
  const auto validate = sql.out.find("VALIDATE CONSTRAINT");
  REQUIRE(validate != std::string::npos);
  CHECK(sql.out.rfind("COMMIT;", validate) != std::string::npos);
  CHECK(sql.out.find("BEGIN;", sql.out.rfind("COMMIT;", validate)) < validate);

  auto apply = staged.start_apply("60");
  // The validation now waits behind the blocker: it is running, and what it
  // holds is all a writer would have to wait for.
  Connection observer = staged.db.connect();
  wait_until("the validation waits", [&] {
    return scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%VALIDATE%'"
                            " AND wait_event_type = 'Lock'") == 1;
  });
  // No lock that conflicts with a writer's ROW EXCLUSIVE (or the ROW SHARE of
  // an FK check on the parent) is held by the validating session.
  CHECK(scalar(observer,
               "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
               " WHERE a.query LIKE 'ALTER TABLE%VALIDATE%' AND l.granted"
               " AND l.relation IN ('p1'::regclass, 'p1_address'::regclass)"
               " AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')") == 0);
  // A writer inserts into the address table and updates the parent while the
  // validation is pending, without waiting (NOWAIT would fail at once).
  Connection writer = staged.db.connect();
  writer.execute("BEGIN");
  writer.execute("LOCK TABLE p1_address IN ROW EXCLUSIVE MODE NOWAIT");
  writer.execute("LOCK TABLE p1 IN ROW EXCLUSIVE MODE NOWAIT");
  writer.execute("INSERT INTO p1_address (street, parent_id) VALUES ('written during validation', 7)");
  writer.execute("UPDATE p1 SET name = 'updated during validation' WHERE id = 8");
  writer.execute("COMMIT");
  CHECK(scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%VALIDATE%'"
                         " AND wait_event_type = 'Lock'") == 1);  // still pending: the writer did not wait for it

  staged.blocker.execute("COMMIT");
  CliResult applied = apply.get();
  INFO(applied.err);
  CHECK(applied.exit_code == 0);
  CHECK(staged.db.query("SELECT convalidated::int FROM pg_constraint WHERE conrelid = 'p1_address'::regclass"
                        " AND contype = 'f'") == std::vector<std::string>{"1"});
  CHECK(staged.db.query("SELECT source || ' ' || statement_count FROM addrmig_history ORDER BY id") ==
        std::vector<std::string>{"config 4", "config (validate) 1"});
}

TEST_CASE("a failed validation keeps the NOT VALID constraint, and the next apply validates it", "[postgres]") {
  Staged staged;
  auto apply = staged.start_apply("2");  // the validation times out behind the blocker
  CliResult failed = apply.get();
  CHECK(failed.exit_code == 3);
  CHECK(count_lines(failed.err) == 1);
  CHECK(failed.err.find("the migration was committed") != std::string::npos);
  CHECK(failed.err.find("stays NOT VALID") != std::string::npos);
  staged.blocker.execute("COMMIT");
  CHECK(staged.db.query("SELECT convalidated::int FROM pg_constraint WHERE conrelid = 'p1_address'::regclass"
                        " AND contype = 'f'") == std::vector<std::string>{"0"});
  CHECK(staged.db.count("SELECT count(*) FROM p2_address") == 0);  // the committed part stays
  CHECK(staged.db.count("SELECT count(*) FROM addrmig_history") == 1);

  // The next plan validates only, after an empty migration transaction.
  CliResult sql = cli(staged.config, {"plan", "--sql"});
  CHECK(sql.out.find("ADD CONSTRAINT") == std::string::npos);
  CHECK(sql.out.find("VALIDATE CONSTRAINT") != std::string::npos);
  CliResult again = cli(staged.config, {"apply"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(staged.db.query("SELECT convalidated::int FROM pg_constraint WHERE conrelid = 'p1_address'::regclass"
                        " AND contype = 'f'") == std::vector<std::string>{"1"});
  CHECK(staged.db.query("SELECT source FROM addrmig_history ORDER BY id") ==
        std::vector<std::string>{"config", "config (validate)"});
  CHECK(cli(staged.config, {"plan", "--check"}).exit_code == 0);
}

TEST_CASE("SIGINT while the validation after the commit waits: the migration stays, the validation rolls back",
          "[postgres]") {
  Staged staged;
  staged.hold_p2();
  BackgroundAddrmig apply({"-c", staged.config.string(), "--lock-timeout", "60", "apply"});
  staged.queue_blocker_and_release_p2();
  Connection observer = staged.db.connect();
  const std::string validating = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%VALIDATE%'";
  wait_until("the validation waits", [&] { return scalar(observer, validating + " AND wait_event_type = 'Lock'") == 1; });
  apply.signal(SIGINT);
  const int code = apply.wait(std::chrono::seconds(10));
  INFO(apply.err());
  CHECK(code == 128 + SIGINT);
  CHECK(count_lines(apply.err()) == 1);
  CHECK(apply.err().find("the migration was committed; then interrupted by SIGINT while validating") !=
        std::string::npos);
  CHECK(apply.err().find("stays NOT VALID") != std::string::npos);
  // The cancelled validation left nothing behind, with the blocker still there.
  wait_until("the validation is gone", [&] { return scalar(observer, validating) == 0; });
  // (The test's own sessions are addrmig Connections too.)
  const std::string tests_sessions = std::to_string(scalar(staged.holder, "SELECT pg_backend_pid()")) + ", " +
                                     std::to_string(scalar(staged.blocker, "SELECT pg_backend_pid()"));
  CHECK(scalar(observer, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                         " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
                         " AND a.pid NOT IN (" + tests_sessions + ")") == 0);
  staged.blocker.execute("COMMIT");
  CHECK(staged.db.query("SELECT convalidated::int FROM pg_constraint WHERE conrelid = 'p1_address'::regclass"
                        " AND contype = 'f'") == std::vector<std::string>{"0"});
  CHECK(staged.db.query("SELECT source FROM addrmig_history ORDER BY id") == std::vector<std::string>{"config"});
  CliResult again = cli(staged.config, {"--lock-timeout", "1", "apply"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(staged.db.query("SELECT convalidated::int FROM pg_constraint WHERE conrelid = 'p1_address'::regclass"
                        " AND contype = 'f'") == std::vector<std::string>{"1"});
}

}  // namespace addrmig::test
