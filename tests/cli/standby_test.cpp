// A streaming hot standby of the test cluster (pg_basebackup -R, fixture
// `standby`): read commands work there and write nothing, write commands
// fail at once, and apply/run --replica wait for it.

#include <chrono>
#include <thread>

#include "tests/cli/fleet_helpers.h"

namespace addrmig::test {
namespace {

// The test database as the standby sees it, once the standby has replayed
// its CREATE DATABASE.
std::string standby_url_of(const TestDatabase& db) {
  const std::string url = with_dbname(standby_admin_url(), db.name());
  for (int attempt = 0;; ++attempt) {
    try {
      Connection::open(parse_database_url(url), OpenMode::ReadOnly);
      return url;
    } catch (const std::exception&) {
      if (attempt > 200) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

TEST_CASE("standby: run --replica waits for it, then audits and verifies there", "[standby]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, parents_config(3));
  const std::string standby = standby_url_of(db);

  const CliResult run = cli(config, {"run", "--replica", standby});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("standby " + standby + ": replayed the commit after") != std::string::npos);
  CHECK(run.out.find("\nstandby " + standby + ":\n") != std::string::npos);  // its audit and verify

  // Read commands work on the standby and see the primary's migration.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"plan", "--check"}, {"audit"}, {"verify"}, {"history"}}) {
    std::vector<std::string> full = {"--database", standby};
    full.insert(full.end(), args.begin(), args.end());
    const CliResult r = cli(config, full);
    INFO(args.front() << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  CHECK(cli(config, {"--database", standby, "history"}).out.find("config") != std::string::npos);

  // Write commands fail at once, in one line, before any lock or plan.
  for (const char* command : {"apply", "seed", "run"}) {
    const CliResult r = cli(config, {"--database", standby, command});
    INFO(command);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "addrmig: error: " + standby +
                       " is a read-only standby (in recovery): apply, seed and run need the primary\n");
  }
}

TEST_CASE("standby: a standby that does not replay in --replica-timeout exits 3, the primary keeps the commit",
          "[standby]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, parents_config(2));
  const std::string standby = standby_url_of(db);
  Connection control = Connection::open(parse_database_url(standby), OpenMode::ReadOnly);
  control.execute("SELECT pg_wal_replay_pause()");
  const CliResult r = cli(config, {"apply", "--replica", standby, "--replica-timeout", "1"});
  control.execute("SELECT pg_wal_replay_resume()");
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("applied ") != std::string::npos);  // the report came first
  CHECK(r.err.find("addrmig: error: standby " + standby + " has not replayed the commit") == 0);
  CHECK(count_lines(r.err) == 1);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 1);
  // Once replay resumes, waiting succeeds and there is nothing left to apply.
  const CliResult again = cli(config, {"apply", "--replica", standby});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("nothing to do") != std::string::npos);
}

TEST_CASE("standby: --replica is checked before anything is applied, and lag is in the JSON document",
          "[standby]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, parents_config(2));
  const std::string standby = standby_url_of(db);
  // The primary itself is no standby: refused before the apply.
  const CliResult primary = cli(config, {"apply", "--replica", db.url()});
  CHECK(primary.exit_code == 1);
  CHECK(primary.err.find("is not a standby (it replays no WAL); nothing was applied") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0);
  // With --targets, one --replica cannot be every target's standby.
  TempDir dir;
  const auto targets = dir.path() / "targets.toml";
  write_file(targets, targets_toml({{"one", db.url()}}));
  const CliResult fleet = run_addrmig({"-c", config.string(), "--targets", targets.string(), "apply", "--replica", standby});
  CHECK(fleet.exit_code == 1);
  CHECK(fleet.err.find("--replica names the standbys of one database") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0);
  // A lagging standby: the document says what was applied and why exit 3.
  Connection control = Connection::open(parse_database_url(standby), OpenMode::ReadOnly);
  control.execute("SELECT pg_wal_replay_pause()");
  const CliResult r = cli(config, {"--format", "json", "apply", "--replica", standby, "--replica-timeout", "1"});
  control.execute("SELECT pg_wal_replay_resume()");
  CHECK(r.exit_code == 3);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["applied"] == true);
  CHECK(doc["error"]["stage"] == "replica");
  CHECK(doc["error"]["exit"] == 3);
  CHECK(r.err.find("addrmig: error: " + doc["error"]["message"].get<std::string>() + "\n") != std::string::npos);
  CHECK(doc["error"]["message"].get<std::string>().find("has not replayed the commit") != std::string::npos);
}

}  // namespace
}  // namespace addrmig::test
