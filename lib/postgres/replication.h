#pragma once
// Streaming replication: where the primary's WAL is, and whether a hot
// standby has replayed up to it (apply/run --replica, lib/replica.cpp).

#include <optional>
#include <string>

#include "lib/dialect.h"

namespace addrmig::postgres {

// pg_control_system()'s system_identifier: the same on a primary and every
// streaming standby of it, different for any other cluster.
std::string system_identifier(Connection& conn);

// pg_current_wal_lsn() on the primary, read after COMMIT.
std::string wal_position(Connection& primary);

// Whether `standby` has replayed up to `position`, and where it is;
// nullopt when it is not a standby (pg_last_wal_replay_lsn() is NULL).
std::optional<ReplayPosition> replay(Connection& standby, const std::string& position);

}  // namespace addrmig::postgres
