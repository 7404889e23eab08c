#pragma once
// Drifted databases the way real ones are: parent and address tables made by
// hand with raw SQL (or by SQLAlchemy's DDL), holding rows, each a little
// wrong in one way. drift_test.cpp runs the real binary against each.

#include <string>
#include <vector>

#include "lib/schema.h"
#include "tests/support/test_database.h"

namespace addrmig::test {

// What addrmig must do with a scenario.
enum class DriftOutcome {
  Repaired,       // plan has steps; apply repairs; audit is then clean
  Blocked,        // plan/apply exit 1 with a blocker; nothing changes
  Informational,  // only informational findings: audit 0, plan --check 0, apply no-op
};

struct DriftScenario {
  std::string name;         // golden file stem: tests/golden/drift/<name>.<dialect>.*
  std::string config_body;  // TOML after [database]
  std::string setup_sql;    // raw DDL and rows, run with TestDatabase::exec
  DriftOutcome outcome = DriftOutcome::Repaired;
  // Blocked: a piece of the blocker message that `plan` and `apply` print.
  std::string blocker_text;
};

// Every scenario for `dialect`, at least 12, in a fixed order.
std::vector<DriftScenario> drift_scenarios(Dialect dialect);

// The one with this name (fails the test when there is none).
DriftScenario drift_scenario(Dialect dialect, const std::string& name);

// Every user table's data (no schema), restricted to the columns the table
// has now and sorted, one line per row with each value in a typed textual
// form (SQLite quote(), PostgreSQL ::text): taken before a repair and compared
// after it, it proves every pre-existing row kept identical content.
struct TableData {
  std::string schema;  // PostgreSQL; empty on SQLite
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::string> rows;  // sorted
};
std::vector<TableData> snapshot_data(TestDatabase& db);
// The same tables and columns as `before`, read now.
std::vector<TableData> snapshot_data_like(TestDatabase& db, const std::vector<TableData>& before);
std::string data_dump(const std::vector<TableData>& data);

}  // namespace addrmig::test
