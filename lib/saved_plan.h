#pragma once
// Saved plans (`plan --out FILE`, `apply FILE`): the reviewed SQL script with
// a header that pins what it was planned against.
//
//   -- addrmig saved plan
//   -- version: 0.1.0
//   -- dialect: sqlite
//   -- config-checksum: <sha256 of the config file>
//   -- body-checksum: <sha256 of everything after the header>
//   -- table: <sha256 or "absent"> <table>        (one per table read or touched)
//   --
//   <the script: BEGIN; statements; COMMIT;>
//
// apply FILE re-plans under the lock and runs only when every table still
// has its fingerprint and the statements it would run are byte-identical to
// the file's, so what runs is exactly what was reviewed.

#include <string>
#include <vector>

#include "lib/fingerprint.h"
#include "lib/migration.h"

namespace addrmig {

struct SavedPlan {
  std::string path;
  std::string version;
  std::string dialect;
  std::string config_checksum;
  std::string body_checksum;
  std::vector<TableFingerprint> tables;
  std::string body;  // the script after the header
};

// The file text for a plan made from `config` against `planned.catalog`.
std::string write_saved_plan(const PlannedMigration& planned, const Config& config, Dialect dialect);

// Parses and checks the body checksum. Throws Error on a malformed file and
// PlanChanged when the body was edited after it was written.
SavedPlan read_saved_plan(const std::string& path);

// The script body for `planned` (what the checksum covers).
std::string saved_plan_body(const PlannedMigration& planned, Dialect dialect);

}  // namespace addrmig
