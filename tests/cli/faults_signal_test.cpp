// Signals delivered to the real binary at chosen points: while its
// PostgreSQL statement waits for a lock another session holds (seen in
// pg_stat_activity), and while a SQLite rebuild writes (its journal exists).
// Each run ends all-or-nothing, with one line saying so, and no lock of
// addrmig's outlives the process by more than two seconds.

#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "tests/cli/faults_helpers.h"

using namespace addrmig;
using namespace addrmig::test;
using namespace std::chrono_literals;

namespace {

// The example's parents exist, their address tables do not: apply's first
// CREATE TABLE ... REFERENCES customer needs a lock on customer.
void create_parents(TestDatabase& db) {
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text);"
          "CREATE TABLE supplier (id integer PRIMARY KEY, company_name text);");
}

struct SignalCase {
  const char* command;
  int signal;
  const char* says;  // what the one line says was (not) done
};

// `command` waits behind a lock on customer; `signal` arrives; the process
// ends with one line, releases every lock at once, and changed nothing.
void signal_while_waiting(const SignalCase& c) {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_example_config(db);
  const std::string command = c.command;
  if (command == "apply") create_parents(db);
  else REQUIRE(cli(config, {"run"}).exit_code == 0);
  const std::string before = db.dump();

  LockHolder holder(db, "customer");
  BackgroundAddrmig addrmig({"-c", config.string(), "--lock-timeout", "60", command});
  REQUIRE(eventually([&] { return addrmig_waiting_for_lock(db) == 1; }));
  const auto signalled = std::chrono::steady_clock::now();
  addrmig.signal(c.signal);
  const int code = addrmig.wait(10s);
  const long exit_ms = elapsed_ms(signalled);
  INFO(command << " exited " << code << " after " << exit_ms << " ms: " << addrmig.err());
  CHECK(code == 128 + c.signal);
  const std::string line = only_line(addrmig.err());
  CHECK(line.find("interrupted by " + std::string(c.signal == SIGINT ? "SIGINT" : "SIGTERM")) != std::string::npos);
  CHECK(line.find(c.says) != std::string::npos);
  CHECK(addrmig.out().empty());
  // Nothing of addrmig's is left on the server, with the holder still there.
  CHECK(eventually([&] { return addrmig_locks(db) == 0 && addrmig_sessions(db) == 0; }, 2s));
  holder.release();
  CHECK(db.dump() == before);
  // No stale migration lock: the next apply goes through at once.
  CHECK(cli(config, {"--lock-timeout", "1", "apply"}).exit_code == 0);
}

}  // namespace

TEST_CASE("SIGINT while apply waits for a table lock: cancelled, rolled back, locks released", "[postgres]") {
  signal_while_waiting({"apply", SIGINT, "rolled back: nothing was applied"});
}

TEST_CASE("SIGTERM while seed waits for a table lock: cancelled, rolled back, locks released", "[postgres]") {
  signal_while_waiting({"seed", SIGTERM, "rolled back: nothing was inserted"});
}

TEST_CASE("SIGINT while verify waits for a table lock: cancelled, locks released", "[postgres]") {
  signal_while_waiting({"verify", SIGINT, "nothing was changed"});
}

TEST_CASE("SIGKILL while apply waits for a table lock: the server ends its session within two seconds", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_example_config(db);
  create_parents(db);
  const std::string before = db.dump();
  LockHolder holder(db, "customer");
  BackgroundAddrmig addrmig({"-c", config.string(), "--lock-timeout", "60", "apply"});
  REQUIRE(eventually([&] { return addrmig_waiting_for_lock(db) == 1; }));
  addrmig.signal(SIGKILL);
  CHECK(addrmig.wait(5s) == 128 + SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  // client_connection_check_interval: the backend notices the closed
  // socket while it waits, without the holder letting go.
  CHECK(eventually([&] { return addrmig_sessions(db) == 0; }, 2500ms));
  INFO("the killed session's locks went away after " << elapsed_ms(killed) << " ms");
  CHECK(addrmig_locks(db) == 0);
  holder.release();
  CHECK(db.dump() == before);
  CHECK(cli(config, {"--lock-timeout", "1", "apply"}).exit_code == 0);
}

namespace {

// A drifted customer_address (no FK) with `rows` rows: apply rebuilds it,
// copying every row inside the transaction.
std::filesystem::path big_rebuild(TestDatabase& db, int rows, bool wal) {
  const auto config = write_example_config(db);
  db.exec(std::string(wal ? "PRAGMA journal_mode = WAL;\n" : "") +
          "CREATE TABLE customer (id integer PRIMARY KEY, name text);\n"
          "CREATE TABLE supplier (id integer PRIMARY KEY, company_name text);\n"
          "INSERT INTO customer VALUES (1, 'c1');\n"
          "CREATE TABLE customer_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL,"
          " city text NOT NULL, zip text NOT NULL);\n"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) + ")"
          " INSERT INTO customer_address SELECT i, 1, 'street ' || i, 'city', 'zip' FROM n;\n");
  return config;
}

std::string sqlite_schema(TestDatabase& db) {
  std::string out;
  for (const auto& line : db.query("SELECT name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name"))
    out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("SIGINT during a SQLite rebuild: rolled back before exit, no hot journal left", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = big_rebuild(db, 400000, /*wal=*/false);
  const std::string schema = sqlite_schema(db);
  const auto journal = db.file().string() + "-journal";
  BackgroundAddrmig addrmig({"-c", config.string(), "apply"});
  // The journal exists from the transaction's first write to its end.
  REQUIRE(eventually([&] { return std::filesystem::exists(journal) || !addrmig.running(); }));
  addrmig.signal(SIGINT);
  const int code = addrmig.wait(20s);
  INFO(addrmig.err());
  if (code == 0) {
    // The signal came after COMMIT: the apply is complete and said so.
    CHECK(addrmig.out().find("applied") != std::string::npos);
    CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
  } else {
    CHECK(code == 130);
    CHECK(only_line(addrmig.err()).find("rolled back: nothing was applied") != std::string::npos);
    CHECK(sqlite_schema(db) == schema);
    CHECK(db.count("SELECT count(*) FROM customer_address") == 400000);
  }
  CHECK_FALSE(std::filesystem::exists(journal));
}

TEST_CASE("SIGINT after a SQLite WAL apply printed its result: reported as committed", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = big_rebuild(db, 200000, /*wal=*/true);
  BackgroundAddrmig addrmig({"-c", config.string(), "apply"});
  // The result is printed after COMMIT, before the close-time checkpoint.
  REQUIRE(eventually([&] { return !addrmig.out().empty() || !addrmig.running(); }));
  addrmig.signal(SIGINT);
  CHECK(addrmig.wait(20s) == 0);
  CHECK(addrmig.out().find("applied") != std::string::npos);
  CHECK(addrmig.err().empty());
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM customer_address") == 200000);
}
