#include "lib/postgres/replication.h"

#include <soci/soci.h>

#include "lib/connection.h"

namespace addrmig::postgres {

std::string system_identifier(Connection& conn) {
  std::string id;
  try {
    conn.session() << "SELECT system_identifier::text FROM pg_control_system()", soci::into(id);
  } catch (...) {
    rethrow_db_error("reading the cluster's system identifier", conn.url().secrets);
  }
  return id;
}

std::string wal_position(Connection& primary) {
  std::string lsn;
  try {
    primary.session() << "SELECT pg_current_wal_lsn()::text", soci::into(lsn);
  } catch (...) {
    rethrow_db_error("reading the primary's WAL position", primary.url().secrets);
  }
  return lsn;
}

std::optional<ReplayPosition> replay(Connection& standby, const std::string& position) {
  std::string at;
  int reached = 0;
  soci::indicator null = soci::i_ok;
  try {
    standby.session() << "SELECT pg_last_wal_replay_lsn()::text,"
                         " CASE WHEN pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn) THEN 1 ELSE 0 END",
        soci::use(position), soci::into(at, null), soci::into(reached);
  } catch (...) {
    rethrow_db_error("reading the standby's replay position", standby.url().secrets);
  }
  if (null == soci::i_null) return std::nullopt;
  return ReplayPosition{reached != 0, at};
}

}  // namespace addrmig::postgres
