// The connection lost while COMMIT is in flight. COMMIT is held where it
// can be interrupted for real: waiting for a synchronous standby that does
// not exist (the transaction is already committed locally), or in a
// deferred trigger that sleeps (not committed yet). addrmig reconnects and
// looks for the run id its transaction recorded in addrmig_history.

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/faults_helpers.h"
#include "tests/support/throwaway_cluster.h"

using namespace addrmig;
using namespace addrmig::test;
using namespace std::chrono_literals;

namespace {

std::string run_id_in(const std::string& text) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex("run ([0-9a-f]{32})"))) return "";
  return match[1];
}

std::filesystem::path example_config(const TempDir& dir, const std::string& url) {
  std::string text = read_file(source_dir() / "configs" / "example.toml");
  text = std::regex_replace(text, std::regex(R"(url = "[^"]*")"), "url = \"" + url + "\"");
  write_file(dir.path() / "addrmig.toml", text);
  return dir.path() / "addrmig.toml";
}

// Waits until addrmig's COMMIT waits for the absent standby; returns its pid.
std::string commit_waiting_for_standby(const ThrowawayCluster& cluster, const std::string& dbname) {
  std::string pid;
  REQUIRE(eventually([&] {
    auto rows = cluster.query("SELECT pid::text FROM pg_stat_activity WHERE application_name = 'addrmig'"
                              " AND wait_event = 'SyncRep'", dbname);
    if (rows.empty()) return false;
    pid = rows.front();
    return true;
  }));
  return pid;
}

}  // namespace

TEST_CASE("connection lost during COMMIT: reconnects and reports committed, or outcome unknown when unreachable", "[postgres]") {
  ThrowawayCluster cluster;
  cluster.exec("ALTER SYSTEM SET synchronous_standby_names = 'absent_standby'");  // not in a transaction block
  cluster.exec("SELECT pg_reload_conf()");
  cluster.exec("CREATE DATABASE terminated");
  cluster.exec("CREATE DATABASE crashed");
  // Only addrmig's sessions wait for the standby (the cluster runs with
  // synchronous_commit off).
  const std::string sync = "?options=-csynchronous_commit%3Don";
  TempDir dir_a, dir_b;

  // 1. The backend waiting in COMMIT is terminated: committed locally.
  const auto config_a = example_config(dir_a, cluster.url("terminated", sync));
  {
    BackgroundAddrmig apply({"-c", config_a.string(), "apply"});
    const std::string pid = commit_waiting_for_standby(cluster, "terminated");
    cluster.exec("SELECT pg_terminate_backend(" + pid + ")");
    const int code = apply.wait(30s);
    INFO(apply.err());
    CHECK(code == 0);
    CHECK(apply.out().find("applied") != std::string::npos);
    const std::string line = only_line(apply.err());
    CHECK(line.find("lost during COMMIT") != std::string::npos);
    CHECK(line.find("the migration is committed") != std::string::npos);
    CHECK(line.find("FATAL") == std::string::npos);
    const std::string run_id = run_id_in(line);
    CHECK(cluster.query("SELECT run_id FROM addrmig_history", "terminated") == std::vector<std::string>{run_id});
    CHECK(cli(config_a, {"plan", "--check"}).exit_code == 0);
  }

  // 2. The server stops (immediate shutdown) while COMMIT waits: nobody to
  // ask, exit 4; after the restart, history tells.
  const auto config_b = example_config(dir_b, cluster.url("crashed", sync));
  BackgroundAddrmig apply({"-c", config_b.string(), "apply"});
  commit_waiting_for_standby(cluster, "crashed");
  cluster.crash();
  const int code = apply.wait(30s);
  INFO(apply.err());
  CHECK(code == 4);
  CHECK(apply.out().empty());
  const std::string line = only_line(apply.err());
  CHECK(line.find("outcome unknown: check `addrmig history` for run ") != std::string::npos);
  CHECK(line.find("WARNING") == std::string::npos);
  const std::string run_id = run_id_in(line);
  REQUIRE_FALSE(run_id.empty());
  cluster.restart();
  CliResult history = cli(config_b, {"--format", "json", "history"});
  REQUIRE(history.exit_code == 0);
  const auto entries = nlohmann::json::parse(history.out)["entries"];
  REQUIRE(entries.size() == 1);
  CHECK(entries[0]["run_id"] == run_id);
}

TEST_CASE("connection lost during COMMIT before it committed: reconnects and reports not applied", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n"
                                       "[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n");
  REQUIRE(cli(config, {"apply"}).exit_code == 0);
  // COMMIT runs this deferred trigger: it sleeps until the session is terminated.
  db.exec("CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$"
          " BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;"
          "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON addrmig_history"
          " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();");
  const auto extended = write_config(db, "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n"
                                         "[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n"
                                         "[[parents]]\ntable = \"supplier\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n",
                                     "extended.toml");
  const std::string before = db.dump();
  BackgroundAddrmig apply({"-c", extended.string(), "apply"});
  REQUIRE(eventually([&] { return addrmig_sessions(db, "wait_event = 'PgSleep'") == 1; }));
  db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'addrmig'"
          " AND wait_event = 'PgSleep' AND datname = current_database()");
  const int code = apply.wait(30s);
  INFO(apply.err());
  CHECK(code == 1);
  const std::string line = only_line(apply.err());
  CHECK(line.find("lost during COMMIT") != std::string::npos);
  CHECK(line.find("the migration was not applied") != std::string::npos);
  CHECK(line.find("FATAL") == std::string::npos);
  CHECK(db.dump() == before);
  CHECK(addrmig_locks(db) == 0);
}
