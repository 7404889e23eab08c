#include <soci/soci.h>

#include <thread>

#include "lib/errors.h"
#include "lib/replica.h"

namespace addrmig {
namespace {

std::string primary_wal_position(Connection& primary) {
  std::string lsn;
  try {
    primary.session() << "SELECT pg_current_wal_lsn()::text", soci::into(lsn);
  } catch (...) {
    rethrow_db_error("reading the primary's WAL position", primary.url().password);
  }
  return lsn;
}

// The standby's replay position, "" when it is not a standby.
std::string replay_position(Connection& standby) {
  std::string lsn;
  soci::indicator null = soci::i_ok;
  try {
    standby.session() << "SELECT pg_last_wal_replay_lsn()::text", soci::into(lsn, null);
  } catch (...) {
    rethrow_db_error("reading the standby's replay position", standby.url().password);
  }
  return null == soci::i_null ? std::string() : lsn;
}

bool replayed(Connection& standby, const std::string& target) {
  int done = 0;
  try {
    standby.session() << "SELECT CASE WHEN pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn) THEN 1 ELSE 0 END",
        soci::use(target), soci::into(done);
  } catch (...) {
    rethrow_db_error("reading the standby's replay position", standby.url().password);
  }
  return done != 0;
}

}  // namespace

std::vector<ReplicaCaughtUp> wait_for_replicas(Connection& primary, const std::vector<DatabaseUrl>& replicas,
                                               std::chrono::milliseconds timeout) {
  std::vector<ReplicaCaughtUp> out;
  if (replicas.empty()) return out;
  if (primary.dialect() != Dialect::Postgres) throw UsageError("--replica is for PostgreSQL streaming standbys");
  const std::string target = primary_wal_position(primary);
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + timeout;
  for (const DatabaseUrl& url : replicas) {
    if (url.dialect != Dialect::Postgres) throw UsageError("--replica " + url.redacted + ": not a PostgreSQL URL");
    Connection standby = Connection::open(url, OpenMode::ReadOnly);
    if (replay_position(standby).empty())
      throw UsageError("--replica " + url.redacted + " is not a standby (pg_last_wal_replay_lsn() is NULL)");
    auto pause = std::chrono::milliseconds(10);
    while (!replayed(standby, target)) {
      if (std::chrono::steady_clock::now() >= deadline)
        throw ReplicaTimeout("standby " + url.redacted + " has not replayed the commit (WAL " + target + ", it is at " +
                             replay_position(standby) + ") within " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                             " s; the primary has it, nothing to undo");
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
    out.push_back({url.redacted,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
  }
  return out;
}

}  // namespace addrmig
