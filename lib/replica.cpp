#include "lib/replica.h"

#include <optional>
#include <thread>

#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/interrupt.h"

namespace addrmig {

void check_replicas(Connection& primary, const std::vector<DatabaseUrl>& replicas,
                    std::chrono::milliseconds lock_timeout) {
  if (replicas.empty()) return;
  const DatabaseDialect& dialect = dialect_of(primary.dialect());
  const std::string cluster = dialect.cluster_identity(primary);
  if (cluster.empty()) throw UsageError("--replica: " + std::string(dialect.name()) + " has no streaming standbys");
  for (const DatabaseUrl& url : replicas) {
    if (url.dialect != primary.dialect())
      throw UsageError("--replica " + url.redacted + ": not a " + std::string(dialect.name()) + " URL");
    if (!url.dbname.empty() && url.dbname != primary.url().dbname)
      throw UsageError("--replica " + url.redacted + " names database " + url.dbname + ", the primary's is " +
                       primary.url().dbname + "; nothing was applied");
    std::optional<Connection> opened;
    try {
      opened.emplace(Connection::open(url, OpenMode::ReadOnly, lock_timeout));
    } catch (const ConnectError& e) {
      throw ConnectError(std::string(e.what()) + " (--replica); nothing was applied");
    }
    Connection& standby = *opened;
    if (!dialect.replayed(standby, "0/0"))
      throw UsageError("--replica " + url.redacted + " is not a standby (it replays no WAL); nothing was applied");
    if (dialect.cluster_identity(standby) != cluster)
      throw UsageError("--replica " + url.redacted + " is a standby of another cluster (system identifier " +
                       dialect.cluster_identity(standby) + ", the primary's is " + cluster + "); nothing was applied");
  }
}

std::vector<ReplicaCaughtUp> wait_for_replicas(Connection& primary, const std::vector<DatabaseUrl>& replicas,
                                               std::chrono::milliseconds timeout) {
  std::vector<ReplicaCaughtUp> out;
  if (replicas.empty()) return out;
  const DatabaseDialect& dialect = dialect_of(primary.dialect());
  const std::string target = dialect.wal_position(primary);
  if (target.empty()) throw UsageError("--replica: " + std::string(dialect.name()) + " has no streaming standbys");
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + timeout;
  for (const DatabaseUrl& url : replicas) {
    if (url.dialect != primary.dialect())
      throw UsageError("--replica " + url.redacted + ": not a " + std::string(dialect.name()) + " URL");
    Connection standby = Connection::open(url, OpenMode::ReadOnly);
    auto pause = std::chrono::milliseconds(10);
    for (;;) {
      const std::optional<ReplayPosition> now = dialect.replayed(standby, target);
      if (!now) throw UsageError("--replica " + url.redacted + " is not a standby (it replays no WAL)");
      if (now->reached) break;
      if (std::chrono::steady_clock::now() >= deadline)
        throw ReplicaTimeout("standby " + url.redacted + " has not replayed the commit (WAL " + target +
                             ", it is at " + now->at + ") within " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                             " s; the primary has it, nothing to undo");
      throw_if_interrupted("the primary has the commit; waiting for the standbys stopped");
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
    out.push_back({url.redacted, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
  }
  return out;
}

}  // namespace addrmig
