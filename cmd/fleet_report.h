#pragma once
// Printing a fleet run: each target's report under its name, the summary
// table, the one JSON document, the merged JUnit file.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cmd/outcome.h"
#include "cmd/report.h"
#include "lib/fleet.h"
#include "lib/targets.h"

namespace addrmig::cli {

// One target's run, as the parent saw it.
struct TargetRun {
  Target target;
  bool started = false;
  std::optional<int> exit;  // nullopt: not started
  int signal = 0;           // the child died of this signal
  bool interrupted = false; // a SIGINT/SIGTERM was passed on to it
  double seconds = 0;
  std::string out, err;     // its stdout and stderr
  CommandOutcome outcome;
  bool reported = false;    // it wrote its outcome when it exited
  std::string junit;        // its JUnit XML, when it wrote one
};

// "applied (12 statements)", "error: ...", "not started", ...
std::string result_text(const TargetRun& run);

// The target's report under its name (stdout; not with --format json, whose
// reports go into the one document) and its stderr, each line prefixed with
// the name (stderr).
// `markdown`: a "## name" heading (--format markdown), else "== name ==".
void print_target(std::ostream& out, std::ostream& err, const TargetRun& run, bool with_report, bool markdown);

// The summary table (a Markdown table with --format markdown) and the totals line.
void print_summary(std::ostream& out, const std::vector<TargetRun>& runs, FleetStop stop, int exit_code,
                   bool markdown);

Json fleet_json(const std::string& command, const std::vector<TargetRun>& runs, FleetStop stop,
                int exit_code);

// One <testsuite> per target (its own, renamed after the target; or one
// testcase saying it errored or never started).
std::string fleet_junit(const std::string& command, const std::vector<TargetRun>& runs);

}  // namespace addrmig::cli
