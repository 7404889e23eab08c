// --targets: one command over a fleet of real databases (SQLite here,
// PostgreSQL in fleet_postgres_test.cpp), each target in its own process.

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "lib/transaction.h"
#include "tests/cli/fleet_helpers.h"

namespace addrmig::test {
namespace {

using Json = nlohmann::json;

// 50 SQLite targets: t07 cannot be opened, t13 has a blocked plan (a parent
// without a primary key), t21 is locked by another writer.
struct SqliteFleet {
  TempDir dir;
  std::filesystem::path config, targets;
  std::vector<NamedUrl> list;

  explicit SqliteFleet(int count = 50, int parents = 3) {
    config = dir.path() / "addrmig.toml";
    write_file(config, parents_config(parents));
    for (int i = 0; i < count; ++i) {
      const std::string name = target_name(i);
      list.push_back({name, "sqlite:" + (dir.path() / (name + ".db")).string()});
    }
    if (count > 7) list[7].url = "sqlite:" + (dir.path() / "missing-dir" / "t07.db").string();
    targets = dir.path() / "targets.toml";
    write_file(targets, targets_toml(list));
  }
  std::string path(int i) const { return (dir.path() / (target_name(i) + ".db")).string(); }
  std::int64_t history_rows(int i) const {
    if (!std::filesystem::exists(path(i))) return -1;
    Connection conn = Connection::open(parse_database_url("sqlite:" + path(i)), OpenMode::ReadOnly);
    int n = 0;
    int has = 0;
    conn.session() << "SELECT count(*) FROM sqlite_schema WHERE name = 'addrmig_history'", soci::into(has);
    if (!has) return 0;
    conn.session() << "SELECT count(*) FROM addrmig_history", soci::into(n);
    return n;
  }
  CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-c", config.string(), "--targets", targets.string()});
    return run_addrmig(args);
  }
};

void create_blocked_parent(const std::string& path) {
  Connection conn = Connection::open(parse_database_url("sqlite:" + path), OpenMode::ReadWrite);
  conn.execute("CREATE TABLE p1 (name text)");  // no primary key: blocked
}

TEST_CASE("fleet: 50 SQLite targets, reports whole, summary, exit code rule", "[sqlite]") {
  SqliteFleet fleet;
  create_blocked_parent(fleet.path(13));
  {
    Connection holder = Connection::open(parse_database_url("sqlite:" + fleet.path(21)), OpenMode::ReadWrite);
    holder.execute("CREATE TABLE unrelated (id integer PRIMARY KEY)");
    MigrationTransaction lock(holder, std::chrono::milliseconds(1000));
    const CliResult r = fleet.run({"apply", "--jobs", "4", "--keep-going", "--lock-timeout", "1"});
    CHECK(r.exit_code == 1);  // an error beats a lock timeout
    // Every report once, under its name, whole: its last line is its own.
    for (int i = 0; i < 50; ++i) {
      const std::string header = "== " + target_name(i) + " ==\n";
      REQUIRE(count_of(r.out, header) == 1);
      const std::size_t begin = r.out.find(header) + header.size();
      const std::string section = r.out.substr(begin, std::min(r.out.find("\n== ", begin), r.out.find("\nsummary\n", begin)) - begin);
      if (i == 7 || i == 13 || i == 21) continue;
      CHECK(count_of(section, "applied ") == 1);
      CHECK(count_of(section, "parents:") == 1);
    }
    CHECK(summary_row(r.out, "t07").find("error") != std::string::npos);
    CHECK(summary_row(r.out, "t13").find("blocked") != std::string::npos);
    CHECK(summary_row(r.out, "t21").find("lock timeout") != std::string::npos);
    CHECK(summary_row(r.out, "t00").find("applied (") != std::string::npos);
    CHECK(r.out.find("50 targets: 47 applied, 3 failed, 0 not started; exit 1") != std::string::npos);
    // stderr lines carry their target's name.
    CHECK(r.err.find("[t07] addrmig: error: cannot open SQLite database") != std::string::npos);
    CHECK(r.err.find("[t13] addrmig: error: blocked") != std::string::npos);
  }
  for (int i = 0; i < 50; ++i) {
    INFO(target_name(i));
    CHECK(fleet.history_rows(i) == (i == 7 ? -1 : i == 13 || i == 21 ? 0 : 1));
  }

  {  // without --keep-going no target starts after a failure
    const CliResult r = fleet.run({"apply", "--jobs", "1", "--lock-timeout", "1"});
    CHECK(r.exit_code == 1);
    CHECK(summary_row(r.out, "t06").find("nothing to do") != std::string::npos);
    CHECK(summary_row(r.out, "t07").find("error") != std::string::npos);
    CHECK(summary_row(r.out, "t08").find("not started") != std::string::npos);
    CHECK(r.out.find("42 not started") != std::string::npos);
  }
  {  // --format json: one document with every target's own document
    const CliResult r = fleet.run({"--format", "json", "apply", "--keep-going"});
    CHECK(r.exit_code == 1);
    const Json doc = Json::parse(r.out);
    CHECK(doc["command"] == "apply");
    REQUIRE(doc["targets"].size() == 50);
    CHECK(doc["targets"][0]["name"] == "t00");
    CHECK(doc["targets"][0]["report"]["command"] == "apply");
    CHECK(doc["targets"][0]["result"] == "nothing to do");
    CHECK(doc["targets"][21]["result"] == "applied (9 statements)");  // its lock is free now
    CHECK(doc["targets"][13]["exit"] == 1);
    CHECK(doc["targets"][13]["result"] == "blocked");
    CHECK(doc["targets"][13]["report"]["plan"]["blocked"] == true);
    CHECK(doc["targets"][7]["report"]["error"]["exit"] == 1);  // its own error document
    CHECK(doc["targets"][7]["error"].get<std::string>().find("cannot open SQLite database") != std::string::npos);
    CHECK(doc["stopped"].is_null());
    CHECK(doc["exit"] == 1);
  }
  {  // --shard K/N: disjoint slices that cover every target
    std::set<std::string> seen;
    std::size_t total = 0;
    for (int k = 1; k <= 3; ++k) {
      const CliResult r = fleet.run({"--format", "json", "--shard", std::to_string(k) + "/3", "history"});
      const Json doc = Json::parse(r.out);
      for (const Json& t : doc["targets"]) seen.insert(t["name"].get<std::string>());
      total += doc["targets"].size();
      CHECK(doc["targets"].size() < 50);
    }
    CHECK(seen.size() == 50);
    CHECK(total == 50);
  }
  {  // --junit: one testsuite per target, valid JUnit
    const auto junit = fleet.dir.path() / "audit.xml";
    const CliResult r = fleet.run({"audit", "--keep-going", "--junit", junit.string()});
    CHECK(r.exit_code == 1);  // t07's directory is missing: an error, which beats t13's findings
    const std::string xml = read_file(junit);
    CHECK(count_of(xml, "<testsuite ") == 50);
    CHECK(xml.find("<testsuite name=\"t00\" tests=\"3\" failures=\"0\"") != std::string::npos);
    CHECK(xml.find("<testsuite name=\"t07\" tests=\"1\" failures=\"0\" errors=\"1\"") != std::string::npos);
    CHECK(xml.find("missing-dir: no such directory") != std::string::npos);
    CHECK(std::system(("xmllint --noout --schema " + (source_dir() / "tests/data/junit.xsd").string() + " " +
                       junit.string() + " 2>/dev/null").c_str()) == 0);
  }
}

TEST_CASE("fleet: a failing canary stops the rollout before the rest starts", "[sqlite]") {
  SqliteFleet fleet(12);
  std::swap(fleet.list[0], fleet.list[7]);  // the unreachable one first
  write_file(fleet.targets, targets_toml(fleet.list));
  const CliResult r = fleet.run({"apply", "--canary", "2", "--keep-going"});
  CHECK(r.exit_code == 1);
  CHECK(summary_row(r.out, "t07").find("error") != std::string::npos);
  CHECK(summary_row(r.out, "t01").find("applied") != std::string::npos);
  CHECK(r.out.find("10 not started") != std::string::npos);
  CHECK(r.out.find("a canary failed") != std::string::npos);
  for (int i = 0; i < 12; ++i)
    if (i != 1 && i != 7) CHECK(fleet.history_rows(i) == -1);  // never started: no file
}

TEST_CASE("fleet: bad targets files are config errors with file:line", "[sqlite]") {
  TempDir dir;
  const auto config = dir.path() / "addrmig.toml";
  write_file(config, parents_config(1));
  auto fails = [&](const std::string& text, const std::string& expected) {
    const auto targets = dir.path() / "targets.toml";
    write_file(targets, text);
    const CliResult r = run_addrmig({"-c", config.string(), "--targets", targets.string(), "plan"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "addrmig: error: " + targets.string() + expected + "\n");
  };
  fails("[[targets]]\nname = \"a\"\nurl = \"sqlite:a.db\"\n[[targets]]\nname = \"a\"\nurl = \"sqlite:b.db\"\n",
        ":4: duplicate target name 'a' (first on line 1)");
  fails("[[targets]]\nname = \"a\"\nurl = \"postgresql://u:${ADDRMIG_TEST_UNSET_VAR}@h/db\"\n",
        ":3: ${ADDRMIG_TEST_UNSET_VAR} is not set in the environment");
  fails("[[targets]]\nname = \"a\"\nurls = \"sqlite:a.db\"\n", ":3: unknown key 'urls' in a target (name, url)");
  fails("[[targets]]\nname = \"a\"\n", ":1: target without 'url'");
  fails("[[targets]]\nname = \"a\"\nurl = \"sqlite:same.db\"\n[[targets]]\nname = \"b\"\nurl = \"sqlite:./same.db\"\n",
        ":4: target 'b' is the same database as target 'a' (line 1): sqlite:./same.db");
  const CliResult both = run_addrmig({"-c", config.string(), "--targets", "x.toml", "--database", "sqlite:x.db", "plan"});
  CHECK(both.exit_code == 1);
  CHECK(both.err.find("--database and --targets exclude each other") != std::string::npos);
}

TEST_CASE("fleet: SIGINT starts no new target - each target is all or nothing", "[sqlite]") {
  SqliteFleet fleet(24, 150);
  for (int i = 0; i < 24; ++i) {  // the files exist, so "untouched" is visible
    Connection conn = Connection::open(parse_database_url("sqlite:" + fleet.path(i)), OpenMode::ReadWrite);
    conn.execute("CREATE TABLE unrelated (id integer PRIMARY KEY)");
  }
  fleet.list[7].url = "sqlite:" + fleet.path(7);
  write_file(fleet.targets, targets_toml(fleet.list));
  Background bg({"-c", fleet.config.string(), "--targets", fleet.targets.string(), "apply", "--jobs", "2"},
                fleet.dir.path());
  // Interrupt once the first target has reported.
  for (int i = 0; i < 600 && read_file(bg.out).find("== ") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(bg.pid, SIGINT);
  const int code = bg.wait();
  const std::string out = read_file(bg.out);
  CHECK(code == 1);
  CHECK(out.find("interrupted: no new target started") != std::string::npos);
  int applied = 0, untouched = 0;
  for (int i = 0; i < 24; ++i) {
    const std::string row = summary_row(out, target_name(i));
    const std::int64_t rows = fleet.history_rows(i);
    INFO(row);
    CHECK((rows == 0 || rows == 1));
    CHECK((row.find("applied (") != std::string::npos) == (rows == 1));  // the summary tells the truth
    Connection conn = Connection::open(parse_database_url("sqlite:" + fleet.path(i)), OpenMode::ReadOnly);
    int tables = 0;
    conn.session() << "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 'p%'", soci::into(tables);
    CHECK((tables == 0 || tables == 300));  // all or nothing
    applied += rows == 1 ? 1 : 0;
    untouched += tables == 0 ? 1 : 0;
  }
  CHECK(applied >= 1);
  CHECK(untouched >= 1);  // some never started
}

TEST_CASE("fleet: a target that committed and then failed says both, and why", "[sqlite]") {
  SqliteFleet fleet(2);
  // t01's p0 refuses the seed's row: run commits the apply, then seed fails.
  Connection conn = Connection::open(parse_database_url("sqlite:" + fleet.path(1)), OpenMode::ReadWrite);
  conn.execute("CREATE TABLE p0 (id integer PRIMARY KEY, name text CHECK (name <> 'first'))");
  const CliResult r = fleet.run({"run"});
  CHECK(r.exit_code == 1);
  CHECK(summary_row(r.out, "t01").find("), then error: seed: inserting into") != std::string::npos);  // cut to fit
  CHECK(r.out.find("2 targets: 2 applied (1 of them then failed), 0 failed") != std::string::npos);
}

TEST_CASE("fleet: --format markdown gives each target a heading and the summary as a table", "[sqlite]") {
  SqliteFleet fleet(3);
  const CliResult r = fleet.run({"--format", "markdown", "plan"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("## t00\n\n**addrmig plan**") != std::string::npos);
  CHECK(r.out.find("| target | result | exit | seconds |") != std::string::npos);
  CHECK(r.out.find("| t02 | changes pending | 0 |") != std::string::npos);
  CHECK(r.out.find("== t00 ==") == std::string::npos);
  // File order, whichever target ends first (5 targets, 4 at a time).
  SqliteFleet five(5);
  const std::string md = five.run({"--format", "markdown", "--jobs", "4", "plan"}).out;
  std::size_t at = 0;
  for (int i = 0; i < 5; ++i) {
    const std::size_t heading = md.find("## " + target_name(i) + "\n");
    CHECK(heading != std::string::npos);
    CHECK(heading >= at);
    at = heading;
  }
}

// Number of live processes whose command line holds `text` (zombies aside).
int processes_with(const std::string& text) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(entry.path() / "cmdline"), stat = read_file(entry.path() / "stat");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    const auto state = stat.find(") ");
    if (cmdline.find(text) != std::string::npos && state != std::string::npos && stat[state + 2] != 'Z') ++n;
  }
  return n;
}

TEST_CASE("fleet: a fleet process killed by SIGKILL takes its targets with it, which roll back", "[sqlite]") {
  SqliteFleet fleet(2);
  for (int i = 0; i < 2; ++i) {  // both targets exist and are locked by another writer
    Connection conn = Connection::open(parse_database_url("sqlite:" + fleet.path(i)), OpenMode::ReadWrite);
    conn.execute("CREATE TABLE unrelated (id integer PRIMARY KEY)");
  }
  Connection holder0 = Connection::open(parse_database_url("sqlite:" + fleet.path(0)), OpenMode::ReadWrite);
  Connection holder1 = Connection::open(parse_database_url("sqlite:" + fleet.path(1)), OpenMode::ReadWrite);
  std::optional<MigrationTransaction> lock0, lock1;
  lock0.emplace(holder0, std::chrono::milliseconds(1000));
  lock1.emplace(holder1, std::chrono::milliseconds(1000));
  Background bg({"-c", fleet.config.string(), "--targets", fleet.targets.string(), "--lock-timeout", "60", "apply"},
                fleet.dir.path());
  // Both targets are waiting for their locks (parent + 2 children).
  for (int i = 0; i < 500 && processes_with(fleet.config.string()) < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(processes_with(fleet.config.string()) == 3);
  kill(bg.pid, SIGKILL);
  bg.wait();
  int left = -1;
  for (int i = 0; i < 300 && left != 0; ++i) {
    left = processes_with(fleet.config.string());
    if (left) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(left == 0);  // not still waiting, to apply later with nobody watching
  lock0.reset();
  lock1.reset();
  CHECK(fleet.history_rows(0) == 0);
  CHECK(fleet.history_rows(1) == 0);
}

}  // namespace
}  // namespace addrmig::test
