// --targets over 20 PostgreSQL databases on the test cluster, plus one that
// cannot be reached and carries a password from the environment; --retries.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "lib/transaction.h"
#include "tests/cli/fleet_helpers.h"

namespace addrmig::test {
namespace {

constexpr const char* kSecret = "s3cret-Fleet-pw";

// Runs fn(0..n-1) on four threads.
template <typename Fn>
void in_parallel(std::size_t n, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (std::size_t i; (i = next++) < n;) fn(i);
    });
  for (std::thread& thread : threads) thread.join();
}

// `count` fresh databases on the test cluster, created and dropped four at a
// time (CREATE DATABASE and DROP DATABASE are the slow part).
struct PostgresFleet {
  std::vector<std::unique_ptr<TestDatabase>> dbs;
  explicit PostgresFleet(std::size_t count) : dbs(count) {
    in_parallel(dbs.size(), [&](std::size_t i) { dbs[i] = std::make_unique<TestDatabase>(Dialect::Postgres); });
  }
  ~PostgresFleet() { in_parallel(dbs.size(), [&](std::size_t i) { dbs[i].reset(); }); }
};

TEST_CASE("fleet: 20 PostgreSQL targets and an unreachable one - run, audit --junit, no password shown",
          "[postgres]") {
  PostgresFleet databases(20);
  auto& dbs = databases.dbs;
  std::vector<NamedUrl> list;
  for (int i = 0; i < 20; ++i) list.push_back({target_name(i), dbs[i]->url()});
  // Port 1 refuses at once; the password comes from the environment.
  list.insert(list.begin() + 5, {"gone", "postgresql://app:${ADDRMIG_FLEET_SECRET}@127.0.0.1:1/nowhere"});
  TempDir dir;
  const auto config = dir.path() / "addrmig.toml";
  write_file(config, parents_config(4));
  const auto targets = dir.path() / "targets.toml";
  write_file(targets, targets_toml(list));
  CliOptions env;
  env.env["ADDRMIG_FLEET_SECRET"] = kSecret;
  auto fleet = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", config.string(), "--targets", targets.string()});
    return run_addrmig(args, env);
  };

  // t08's plan is blocked: a view holds the name of an address table.
  dbs[8]->exec("CREATE VIEW p0_address AS SELECT 1 AS x");
  // One target (t03) is locked by another apply: exit 3 for it alone.
  std::optional<Connection> holder(dbs[3]->connect());
  std::optional<MigrationTransaction> lock;
  lock.emplace(*holder, std::chrono::milliseconds(1000));
  const CliResult run = fleet({"run", "--jobs", "4", "--keep-going", "--lock-timeout", "1"});
  lock.reset();
  CHECK(run.exit_code == 1);  // gone: error
  CHECK(summary_row(run.out, "gone").find("error: cannot connect to PostgreSQL at 127.0.0.1:1") != std::string::npos);
  CHECK(summary_row(run.out, "t03").find("lock timeout") != std::string::npos);
  CHECK(summary_row(run.out, "t08").find("blocked") != std::string::npos);
  CHECK(run.out.find("21 targets: 18 applied, 3 failed, 0 not started; exit 1") != std::string::npos);
  for (const std::string& text : {run.out, run.err}) CHECK(text.find(kSecret) == std::string::npos);
  for (int i = 0; i < 20; ++i) {
    INFO(target_name(i));
    CHECK(dbs[i]->count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'p%_address'") == (i == 3 || i == 8 ? 0 : 4));
  }

  // The rest of the fleet: t03 now applies, everything else has nothing to do.
  const CliResult again = fleet({"--format", "json", "apply", "--jobs", "4", "--keep-going"});
  CHECK(again.exit_code == 1);
  const auto doc = nlohmann::json::parse(again.out);
  CHECK(doc["targets"].size() == 21);
  CHECK(doc["targets"][5]["url"] == "postgresql://app:***@127.0.0.1:1/nowhere");
  CHECK(doc["targets"][3]["applied"] == true);
  CHECK(doc["targets"][0]["applied"] == false);
  CHECK(doc["targets"][0]["report"]["applied"] == false);
  CHECK(again.out.find(kSecret) == std::string::npos);
  CHECK(doc["targets"][9]["result"] == "blocked");
  for (int i = 0; i < 20; ++i)
    if (i != 8) CHECK(dbs[i]->count("SELECT count(*) FROM addrmig_history") == 1);

  const auto junit = dir.path() / "audit.xml";
  const CliResult audit = fleet({"audit", "--jobs", "4", "--keep-going", "--junit", junit.string()});
  CHECK(audit.exit_code == 1);
  const std::string xml = read_file(junit);
  CHECK(count_of(xml, "<testsuite ") == 21);
  CHECK(xml.find(kSecret) == std::string::npos);
  CHECK(std::system(("xmllint --noout --schema " + (source_dir() / "tests/data/junit.xsd").string() + " " +
                     junit.string() + " 2>/dev/null").c_str()) == 0);
}

TEST_CASE("retries: a lock timeout is retried with backoff until the lock is free", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  TempDir dir;
  const auto config = write_config(db, parents_config(2));
  std::optional<Connection> holder(db.connect());
  std::optional<MigrationTransaction> lock;
  lock.emplace(*holder, std::chrono::milliseconds(1000));
  CliResult without = cli(config, {"apply", "--lock-timeout", "1"});
  CHECK(without.exit_code == 3);
  // The lock is released only once the first attempt has timed out, so the
  // retry is what succeeds, however slow the machine.
  Background bg({"-c", config.string(), "--retries", "4", "apply", "--lock-timeout", "1"}, dir.path());
  for (int i = 0; i < 3000 && read_file(bg.err).find("retry 1 of 4") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  lock.reset();
  CHECK(bg.wait() == 0);
  CHECK(read_file(bg.err).find("retry 1 of 4 in") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 1);
}

}  // namespace

TEST_CASE("fleet: SIGINT in the middle of a PostgreSQL fleet - all or nothing per target, every session gone",
          "[postgres]") {
  constexpr int kTargets = 8, kParents = 120;
  PostgresFleet databases(kTargets);
  auto& dbs = databases.dbs;
  std::vector<NamedUrl> list;
  for (int i = 0; i < kTargets; ++i) list.push_back({target_name(i), dbs[i]->url()});
  TempDir dir;
  const auto config = dir.path() / "addrmig.toml";
  write_file(config, parents_config(kParents));
  const auto targets = dir.path() / "targets.toml";
  write_file(targets, targets_toml(list));
  Background bg({"-c", config.string(), "--targets", targets.string(), "apply", "--jobs", "2"}, dir.path());
  // Interrupt once the first target has reported: two others are running.
  for (int i = 0; i < 3000 && read_file(bg.out).find("== ") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(bg.pid, SIGINT);
  const int code = bg.wait();
  const std::string out = read_file(bg.out);
  CHECK(code == 1);
  CHECK(out.find("interrupted: no new target started") != std::string::npos);
  int applied = 0, untouched = 0;
  for (int i = 0; i < kTargets; ++i) {
    const std::string row = summary_row(out, target_name(i));
    INFO(row);
    const std::int64_t tables = dbs[i]->count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'p%'");
    const std::int64_t history =
        tables == 0 ? 0 : dbs[i]->count("SELECT count(*) FROM addrmig_history");
    CHECK((tables == 0 || tables == 2 * kParents));  // all or nothing
    CHECK((row.find("applied (") != std::string::npos) == (history == 1));  // the summary tells the truth
    applied += history == 1 ? 1 : 0;
    untouched += tables == 0 ? 1 : 0;
  }
  CHECK(applied >= 1);
  CHECK(untouched >= 1);
  // Every target's session is gone, so no lock outlives the fleet.
  TestDatabase admin(Dialect::Postgres);
  std::int64_t left = -1;
  for (int i = 0; i < 100 && left != 0; ++i) {
    left = admin.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'addrmig' AND pid <> pg_backend_pid()");
    if (left) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(left == 0);
}

}  // namespace addrmig::test
