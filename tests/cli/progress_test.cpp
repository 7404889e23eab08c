// What apply reports while it works: parents inspected, data measured,
// statements applied and, on SQLite, the rows a rebuild copies. The library
// side is asserted event by event, then what a terminal shows, and that
// nothing is drawn on a pipe or with --quiet.

#include <algorithm>
#include <vector>

#include "lib/config.h"
#include "lib/executor.h"
#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

constexpr int kAddresses = 10000;

// One parent whose address table has rows but no foreign key: SQLite
// rebuilds it (copying every row), PostgreSQL adds the FK and validates it.
std::string fixture(Dialect dialect) {
  const std::string rows =
      dialect == Dialect::Sqlite
          ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                std::to_string(kAddresses) + ") SELECT i, 'street ' || i, i % 10 + 1 FROM n"
          : "SELECT i, 'street ' || i, i % 10 + 1 FROM generate_series(1, " +
                std::to_string(kAddresses) + ") AS i";
  return "CREATE TABLE customer (id integer PRIMARY KEY);\n"
         "INSERT INTO customer (id) SELECT i FROM (" +
         std::string(dialect == Dialect::Sqlite
                          ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n"
                          : "SELECT generate_series(1, 10) AS i") +
         ") AS ids;\n"
         "CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL, "
         "parent_id integer NOT NULL);\n"
         "INSERT INTO customer_address (id, street, parent_id) " +
         rows + ";\n";
}

constexpr const char* kConfig = R"([related]
name = "address"
foreign_key = "parent_id"
columns = [{ name = "street", type = "text" }]

[[parents]]
table = "customer"
)";

std::vector<Progress> apply_recording(TestDatabase& db) {
  const auto path = write_config(db, kConfig);
  const Config config = load_config(path.string());
  Connection conn = db.connect();
  std::vector<Progress> events;
  ApplyOptions options;
  options.progress = [&](const Progress& p) { events.push_back(p); };
  REQUIRE(apply_migration(conn, config, options).applied);
  return events;
}

bool is(const Progress& p, Progress::Stage stage) { return p.stage == stage; }

void reports_progress(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(fixture(dialect));
  const std::vector<Progress> events = apply_recording(db);
  REQUIRE(events.size() >= 5);

  // Inspecting 0 of 1 parents first; 1 of 1 once the plan is made, after
  // the data was measured (the orphan check the FK needs).
  CHECK(is(events.front(), Progress::Stage::Inspecting));
  CHECK(events.front().done == 0);
  CHECK(events.front().total == 1);
  const auto measured = std::find_if(events.begin(), events.end(),
                                     [](const Progress& p) { return is(p, Progress::Stage::Measuring); });
  REQUIRE(measured != events.end());
  CHECK(measured->total >= 1);
  const auto inspected = std::find_if(events.begin(), events.end(), [](const Progress& p) {
    return is(p, Progress::Stage::Inspecting) && p.done == 1;
  });
  REQUIRE(inspected != events.end());
  CHECK(inspected > measured);

  // Every statement announced once, in order, before it runs: the
  // migration's statements, then each VALIDATE that runs after its COMMIT in
  // a transaction of its own, each sequence numbered from 0.
  std::vector<std::pair<std::size_t, std::size_t>> announced;  // (done, total)
  for (const Progress& p : events)
    if (is(p, Progress::Stage::Applying) && p.rows_copied < 0) {
      announced.emplace_back(p.done, p.total);
      CHECK_FALSE(p.what.empty());
    }
  REQUIRE_FALSE(announced.empty());
  for (std::size_t i = 0; i < announced.size();) {
    const std::size_t total = announced[i].second;
    REQUIRE(total > 0);
    REQUIRE(i + total <= announced.size());
    for (std::size_t k = 0; k < total; ++k) {
      CHECK(announced[i + k].first == k);
      CHECK(announced[i + k].second == total);
    }
    i += total;
  }
  CHECK(is(events.back(), Progress::Stage::Finished));

  // Rows copied, counted while the copy runs: SQLite's rebuild only.
  std::int64_t most_rows = -1;
  std::string copying;
  for (const Progress& p : events)
    if (is(p, Progress::Stage::Applying) && p.rows_copied > most_rows) {
      most_rows = p.rows_copied;
      copying = p.what;
    }
  if (dialect == Dialect::Sqlite) {
    // Reported every 4096 rows: 4096 and 8192 of the 10,000.
    CHECK(most_rows == 8192);
    CHECK_THAT(copying, Catch::Contains("copy every row"));
  } else {
    CHECK(most_rows == -1);
  }
  CHECK(db.count("SELECT count(*) FROM customer_address") == kAddresses);
}

void draws_progress_on_a_terminal_only(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(fixture(dialect));
  const auto config = write_config(db, kConfig);
  const std::string command = std::string(ADDRMIG_BINARY) + " -c " + config.string();

  const CliResult piped = cli(config, {"plan"});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.err.find("inspect") == std::string::npos);

  int quiet_exit = -1;
  const std::string quiet = run_on_pty(command + " --quiet apply", &quiet_exit);
  INFO(quiet);
  // It ran, and applied: an apply that failed at once would draw nothing too.
  REQUIRE(quiet_exit == 0);
  CHECK_THAT(quiet, Catch::Contains("applied "));
  CHECK(quiet.find("inspect") == std::string::npos);
  CHECK(quiet.find("applying [") == std::string::npos);

  TestDatabase fresh(dialect);
  fresh.exec(fixture(dialect));
  const auto fresh_config = write_config(fresh, kConfig);
  // NO_COLOR: the report's colours aside, the pty output must hold no escape sequence.
  const std::string shown = run_on_pty("env NO_COLOR=1 " + std::string(ADDRMIG_BINARY) + " -c " +
                                       fresh_config.string() + " apply");
  INFO(shown);
  CHECK_THAT(shown, Catch::Contains("inspecting 1 parent"));
  CHECK_THAT(shown, Catch::Contains("checking existing rows"));
  CHECK_THAT(shown, Catch::Contains("applying [1/"));
  if (dialect == Dialect::Sqlite) CHECK_THAT(shown, Catch::Contains("4,096 rows copied"));
  // Drawn with carriage returns and blanks: no escape sequences.
  CHECK(shown.find('\033') == std::string::npos);
  CHECK(fresh.count("SELECT count(*) FROM customer_address") == kAddresses);
}

}  // namespace

DIALECT_TEST("progress: drawn on a terminal, never on a pipe or with --quiet",
             draws_progress_on_a_terminal_only)

DIALECT_TEST("progress: apply reports parents inspected, statements applied and rows copied",
             reports_progress)
