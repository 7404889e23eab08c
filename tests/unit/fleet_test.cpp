// The generic fleet pieces: targets files, shards and the scheduler (which
// target starts when), without any database.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "lib/errors.h"
#include "lib/fleet.h"
#include "lib/targets.h"
#include "tests/support/test_database.h"

namespace addrmig {
namespace {

std::vector<Target> numbered(int n) {
  std::vector<Target> out;
  for (int i = 0; i < n; ++i) out.push_back(Target{"tenant-" + std::to_string(i), "sqlite:x.db", "sqlite:x.db", i + 1});
  return out;
}

TEST_CASE("targets: URL variables from the environment, redacted URL, file order") {
  setenv("ADDRMIG_UNIT_PW", "pw#1", 1);
  const TargetsFile file = parse_targets(
      "[[targets]]\nname = \"a\"\nurl = \"postgresql://app:${ADDRMIG_UNIT_PW}@db1/a\"\n\n"
      "[[targets]]\nname = \"b\"\nurl = \"sqlite:b.db\"\n",
      "fleet.toml");
  REQUIRE(file.targets.size() == 2);
  CHECK(file.targets[0].url == "postgresql://app:pw%231@db1/a");  // encoded: '#' would end the URL
  CHECK(file.targets[0].redacted.find("pw#1") == std::string::npos);
  CHECK(file.targets[0].redacted.find("***") != std::string::npos);
  CHECK(file.targets[1].name == "b");
  CHECK(file.targets[1].line == 5);
  setenv("ADDRMIG_UNIT_URL", "sqlite:/tmp/a b.db", 1);
  CHECK(parse_targets("[[targets]]\nname = \"w\"\nurl = \"${ADDRMIG_UNIT_URL}\"\n", "f.toml").targets[0].url ==
        "sqlite:/tmp/a b.db");  // a whole URL is taken as it is
  setenv("ADDRMIG_UNIT_DIR", "/ci/project dir", 1);
  CHECK(parse_targets("[[targets]]\nname = \"w\"\nurl = \"sqlite:${ADDRMIG_UNIT_DIR}/app.db\"\n", "f.toml").targets[0].url ==
        "sqlite:/ci/project dir/app.db");  // a path is not percent-encoded
}

TEST_CASE("targets: every mistake is one located error") {
  auto error_of = [](const std::string& text) {
    try {
      parse_targets(text, "fleet.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("") == "fleet.toml: no [[targets]]: the targets file must name at least one target");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"sqlite:a\"\n[[targets]]\nname = \"a\"\nurl = \"sqlite:b\"\n") ==
        "fleet.toml:4: duplicate target name 'a' (first on line 1)");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"postgresql://u@h/d\"\n[[targets]]\nname = \"b\"\n"
                 "url = \"postgresql://v:pw@h:5432/d?sslmode=disable\"\n") ==
        "fleet.toml:4: target 'b' is the same database as target 'a' (line 1): "
        "postgresql://v:***@h:5432/d?sslmode=disable");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"sqlite:/tmp/x/../t.db\"\n[[targets]]\nname = \"b\"\n"
                 "url = \"sqlite:///tmp/t.db\"\n") ==
        "fleet.toml:4: target 'b' is the same database as target 'a' (line 1): sqlite:///tmp/t.db");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"postgresql://u@h/d\"\n[[targets]]\nname = \"b\"\n"
                 "url = \"postgresql://u@h:5433/d\"\n") == "no error");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"postgresql://u:${NOPE_NOT_SET_X}@h/d\"\n") ==
        "fleet.toml:3: ${NOPE_NOT_SET_X} is not set in the environment");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"postgresql://u:${bad-name}@h/d\"\n") ==
        "fleet.toml:3: malformed ${...} in url: write ${NAME} (letters, digits, _)");
  CHECK(error_of("[[targets]]\nname = \"\"\nurl = \"sqlite:a\"\n") == "fleet.toml:2: 'name' is empty");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = 5\n") == "fleet.toml:3: 'url' must be a string");
  CHECK(error_of("[[targets]]\nname = \"a\"\nurl = \"mysql://x\"\n").rfind("fleet.toml:3: target 'a': ", 0) == 0);
  CHECK(error_of("jobs = 4\n") == "fleet.toml:1: unknown key 'jobs' (a targets file holds only [[targets]])");
  CHECK(error_of("[[targets]\n").rfind("fleet.toml:1: TOML syntax error", 0) == 0);
}

TEST_CASE("targets: one SQLite file under two spellings is one database") {
  test::TempDir dir;
  namespace fs = std::filesystem;
  auto same = [](const std::string& a, const std::string& b) {
    try {
      parse_targets("[[targets]]\nname = \"a\"\nurl = \"sqlite:" + a + "\"\n[[targets]]\nname = \"b\"\nurl = \"sqlite:" +
                        b + "\"\n",
                    "f.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what()).find("is the same database as target 'a'") != std::string::npos;
    }
    return false;
  };
  // Not created yet (apply would create it): relative and absolute spellings.
  const std::string fresh = "addrmig-unit-" + dir.path().filename().string() + ".db";
  REQUIRE_FALSE(fs::exists(fresh));
  CHECK(same(fresh, (fs::current_path() / fresh).string()));
  CHECK(same(fresh, "./" + fresh));
  // A symlink to a file not there yet, and a hard link to one that is.
  fs::create_symlink(dir.path() / "later.db", dir.path() / "link.db");
  CHECK(same((dir.path() / "link.db").string(), (dir.path() / "later.db").string()));
  { std::ofstream(dir.path() / "a.db") << ""; }
  fs::create_hard_link(dir.path() / "a.db", dir.path() / "hard.db");
  CHECK(same((dir.path() / "a.db").string(), (dir.path() / "hard.db").string()));
  CHECK_FALSE(same((dir.path() / "a.db").string(), (dir.path() / "later.db").string()));
}

TEST_CASE("shards: disjoint, complete, and stable when other targets come and go") {
  const std::vector<Target> all = numbered(200);
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int k = 1; k <= 4; ++k) {
    const auto slice = select_shard(all, Shard{k, 4});
    CHECK(slice.size() > 20);  // roughly even
    total += slice.size();
    for (const Target& t : slice) seen.insert(t.name);
  }
  CHECK(total == 200);
  CHECK(seen.size() == 200);
  // tenant-7 stays in its shard when half the fleet is removed.
  const std::vector<Target> half(all.begin(), all.begin() + 100);
  for (int k = 1; k <= 4; ++k) {
    auto has = [](const std::vector<Target>& ts) {
      for (const Target& t : ts)
        if (t.name == "tenant-7") return true;
      return false;
    };
    CHECK(has(select_shard(all, Shard{k, 4})) == has(select_shard(half, Shard{k, 4})));
  }
  CHECK(parse_shard("2/4").index == 2);
  CHECK_THROWS_AS(parse_shard("5/4"), UsageError);
  CHECK_THROWS_AS(parse_shard("0/4"), UsageError);
  CHECK_THROWS_AS(parse_shard("2-4"), UsageError);
}

TEST_CASE("scheduler: at most --jobs at a time, every target once") {
  std::atomic<int> running{0}, peak{0};
  std::mutex mutex;
  std::multiset<std::size_t> ran;
  const FleetRun run = run_fleet(
      30, FleetOptions{3, 0, false},
      [&](std::size_t i) {
        const int now = ++running;
        for (int p = peak; now > p && !peak.compare_exchange_weak(p, now);) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        --running;
        std::lock_guard lock(mutex);
        ran.insert(i);
        return 0;
      },
      [] { return false; });
  CHECK(peak <= 3);
  CHECK(ran.size() == 30);
  CHECK(std::set<std::size_t>(ran.begin(), ran.end()).size() == 30);
  CHECK(fleet_exit_code(run) == 0);
}

TEST_CASE("scheduler: a failure stops new starts unless keep-going - canaries gate the rest") {
  auto codes = [](std::vector<int> exits) {
    return [exits](std::size_t i) { return exits[i]; };
  };
  const auto never = [] { return false; };
  // jobs 1: order is deterministic.
  FleetRun stopped = run_fleet(5, FleetOptions{1, 0, false}, codes({0, 2, 3, 0, 0}), never);
  CHECK(stopped.stop == FleetStop::Failure);
  CHECK(stopped.exits[2] == 3);
  CHECK_FALSE(stopped.exits[3].has_value());
  CHECK(fleet_exit_code(stopped) == 3);

  FleetRun going = run_fleet(5, FleetOptions{1, 0, true}, codes({0, 1, 3, 2, 0}), never);
  CHECK(going.stop == FleetStop::None);
  CHECK(going.exits[4] == 0);
  CHECK(fleet_exit_code(going) == 1);  // 1 beats 3 beats 2

  FleetRun canary = run_fleet(5, FleetOptions{4, 2, true}, codes({0, 1, 0, 0, 0}), never);
  CHECK(canary.stop == FleetStop::CanaryFailed);
  CHECK_FALSE(canary.exits[2].has_value());

  FleetRun differences = run_fleet(3, FleetOptions{2, 1, false}, codes({2, 0, 2}), never);
  CHECK(differences.stop == FleetStop::None);  // differences are no failure
  CHECK(fleet_exit_code(differences) == 2);

  std::atomic<int> started{0};
  FleetRun interrupted = run_fleet(
      10, FleetOptions{1, 0, true}, [&](std::size_t) { ++started; return 0; }, [&] { return started >= 3; });
  CHECK(interrupted.stop == FleetStop::Interrupted);
  CHECK(started == 3);
  CHECK(fleet_exit_code(interrupted) == 1);
}

}  // namespace
}  // namespace addrmig
