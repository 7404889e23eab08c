#pragma once
// apply/run --replica: wait for the standbys after the commit, report how
// long each took, and (run) audit and verify each one.

#include <ostream>
#include <vector>

#include "cmd/commands.h"
#include "cmd/report.h"
#include "lib/connection.h"
#include "lib/replica.h"

namespace addrmig::cli {

// Before the apply: every --replica is a standby of the primary's cluster.
void check_standbys_first(const Context& ctx, Connection& primary, const ApplyCommandOptions& options);

// Waits for every --replica of `options` (none: returns at once). Throws
// ReplicaTimeout (exit 3) after the report was printed.
std::vector<ReplicaCaughtUp> wait_for_standbys(const Context& ctx, Connection& primary,
                                               const ApplyCommandOptions& options);

void print_replicas(std::ostream& out, const std::vector<ReplicaCaughtUp>& replicas);
Json replicas_json(const std::vector<ReplicaCaughtUp>& replicas);

// run --replica: audit and verify on each standby (read-only; nothing is
// written there). Prints them; returns the worst exit code (0 or 2).
int check_standbys(const Context& ctx, const ApplyCommandOptions& options, Json* json);

}  // namespace addrmig::cli
