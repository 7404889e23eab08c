#pragma once
// `--format markdown`: what a reviewer reads in a pull request comment or a
// CI job summary ($GITHUB_STEP_SUMMARY). One summary line; a table of every
// parent with its verdict; a Mermaid erDiagram (capped, with a note); the
// findings per parent; the SQL in fenced sql blocks, collapsed when long.

#include <ostream>
#include <string>

#include "lib/config.h"
#include "lib/executor.h"
#include "lib/plan.h"
#include "lib/seed.h"
#include "lib/verify.h"

namespace addrmig::cli {

// Parents drawn in the diagram at most; the table always lists all.
inline constexpr std::size_t kDiagramMaxParents = 30;
// SQL longer than this many lines is collapsed in <details>.
inline constexpr std::size_t kSqlOpenLines = 25;

void print_plan_markdown(std::ostream& out, const Plan& plan, const Config& config);
void print_audit_markdown(std::ostream& out, const Plan& plan, const Config& config);
void print_apply_markdown(std::ostream& out, const ApplyResult& result, const Config& config);
void print_verify_markdown(std::ostream& out, const VerifyReport& report);
// apply, then (when not blocked) seed and verify, under one summary line.
void print_run_markdown(std::ostream& out, const ApplyResult& applied, const SeedResult* seeded,
                        const VerifyReport* verified, const Config& config);
// A command that failed: its one-line error and exit code, after whatever it
// printed before failing.
void print_failure_markdown(std::ostream& out, const std::string& command, const std::string& error, int exit_code);

}  // namespace addrmig::cli
