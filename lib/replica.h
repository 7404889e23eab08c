#pragma once
// apply/run --replica URL: after the commit, wait until each hot standby has
// replayed it, so that the next CI step may read the standbys. PostgreSQL
// only (the dialect knows its replication, lib/postgres/replication.cpp);
// nothing is written on a standby.

#include <chrono>
#include <string>
#include <vector>

#include "lib/connection.h"
#include "lib/database_url.h"

namespace addrmig {

struct ReplicaCaughtUp {
  std::string url;       // redacted
  double seconds = 0;    // how long it took to replay the commit
};

// Before the apply: every replica must be a standby (it replays WAL) of the
// primary's own cluster, so that a mistyped URL fails before anything
// commits. Throws UsageError naming the URL, ConnectError.
void check_replicas(Connection& primary, const std::vector<DatabaseUrl>& replicas,
                    std::chrono::milliseconds lock_timeout);

// Reads the primary's WAL position now (after COMMIT) and waits until every
// standby's replay position reaches it, `timeout` in all. Throws
// ReplicaTimeout (exit 3: the primary has the commit, nothing to undo),
// ConnectError, or UsageError when a URL is not a PostgreSQL standby.
std::vector<ReplicaCaughtUp> wait_for_replicas(Connection& primary, const std::vector<DatabaseUrl>& replicas,
                                               std::chrono::milliseconds timeout);

}  // namespace addrmig
