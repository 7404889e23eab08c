// apply --batch-size: at most N parents per transaction, each under the lock
// with its own re-plan and history row; and the PostgreSQL lock-table check
// that refuses, up front, a transaction the server cannot hold.

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "tests/cli/fleet_helpers.h"

namespace addrmig::test {
namespace {

std::int64_t address_tables(TestDatabase& db) {
  return db.dialect() == Dialect::Sqlite
             ? db.count("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 'p%_address'")
             : db.count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'p%_address'");
}

void batches_commit_one_by_one(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, parents_config(10));
  const CliResult plan = cli(config, {"plan", "--batch-size", "3"});
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("apply runs this in 4 transactions of at most 3 parents") != std::string::npos);
  const CliResult apply = cli(config, {"apply", "--batch-size", "3"});
  CHECK(apply.exit_code == 0);
  CHECK(apply.out.find("in 4 transactions") != std::string::npos);
  CHECK(db.query("SELECT source FROM addrmig_history ORDER BY id") ==
        std::vector<std::string>{"config (batch 1 of 4)", "config (batch 2 of 4)", "config (batch 3 of 4)",
                                 "config (batch 4 of 4)"});
  CHECK(address_tables(db) == 10);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
  CHECK(cli(config, {"apply", "--batch-size", "3"}).out.find("nothing to do") != std::string::npos);
}
DIALECT_TEST("apply --batch-size commits each batch with its own history row", batches_commit_one_by_one)

TEST_CASE("batch_size in [apply] batches too, and an interrupted batched apply resumes where it stopped", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec("CREATE TABLE unrelated (id integer PRIMARY KEY)");
  const auto config = write_config(db, "[apply]\nbatch_size = 20\n\n" + parents_config(200));
  Background bg({"-c", config.string(), "-q", "apply"}, db.dir());
  // Kill as soon as the first batch is in.
  for (int i = 0; i < 3000; ++i) {
    if (address_tables(db) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(bg.pid, SIGKILL);
  bg.wait();
  const std::int64_t done = db.count("SELECT count(*) FROM addrmig_history");
  INFO(done << " batches were committed before the kill");
  CHECK(address_tables(db) == 20 * done);  // whole batches only
  const CliResult rest = cli(config, {"apply"});
  CHECK(rest.exit_code == 0);
  CHECK(address_tables(db) == 200);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 10);  // each parent in exactly one batch
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
}

// A cluster with the server's default settings: max_connections 100 and
// max_locks_per_transaction 64, so 6,400 lock slots for everyone.
struct DefaultCluster {
  TempDir dir;
  std::string url;
  DefaultCluster() {
    const std::string start = std::string(ADDRMIG_PG_CLUSTER_SCRIPT) + " start " + dir.path().string() +
                              " --defaults >/dev/null";
    REQUIRE(std::system(start.c_str()) == 0);
    url = read_file(dir.path() / "url");
    url.erase(url.find_last_not_of("\n") + 1);
  }
  ~DefaultCluster() {
    std::system((std::string(ADDRMIG_PG_CLUSTER_SCRIPT) + " stop " + dir.path().string() + " >/dev/null").c_str());
  }
};

TEST_CASE("3,000 parents on a default-settings server: refused in one line, applied with --batch-size 500",
          "[postgres][slow]") {
  DefaultCluster cluster;
  TempDir dir;
  const auto config = dir.path() / "addrmig.toml";
  // Integer columns only: no TOAST tables, so the server's catalog work (the
  // test's cost) is a third lower; the lock arithmetic is the same.
  std::string body = "[database]\nurl = \"" + cluster.url + "\"\n\n[related]\ncolumns = [ { name = \"zip\", type = \"integer\" } ]\n";
  for (int i = 0; i < 3000; ++i)
    body += "\n[[parents]]\ntable = \"p" + std::to_string(i) + "\"\ncolumns = [ { name = \"n\", type = \"integer\" } ]\n";
  write_file(config, body);

  const CliResult refused = cli(config, {"apply"});
  CHECK(refused.exit_code == 1);
  CHECK(count_lines(refused.err) == 1);
  CHECK(refused.err.find("addrmig: error: blocked: one transaction would need about ") == 0);
  CHECK(refused.err.find("max_locks_per_transaction") != std::string::npos);
  CHECK(refused.err.find("--batch-size") != std::string::npos);
  Connection conn = Connection::open(parse_database_url(cluster.url), OpenMode::ReadOnly);
  int tables = -1;
  conn.session() << "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", soci::into(tables);
  CHECK(tables == 0);  // nothing changed

  const CliResult plan = cli(config, {"plan", "--batch-size", "500"});
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("apply runs this in 6 transactions of at most 500 parents") != std::string::npos);
  const CliResult applied = cli(config, {"apply", "--batch-size", "500"});
  CHECK(applied.exit_code == 0);
  CHECK(applied.out.find("in 6 transactions") != std::string::npos);
  int history = 0;
  conn.session() << "SELECT count(*) FROM addrmig_history", soci::into(history);
  CHECK(history == 6);
  conn.session() << "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'p%_address'", soci::into(tables);
  CHECK(tables == 3000);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
}

}  // namespace
}  // namespace addrmig::test
