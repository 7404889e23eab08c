#pragma once
// Fault injection helpers: a second session holding locks, and what the
// server says about addrmig's sessions (pg_stat_activity, pg_locks). Every
// addrmig session shows application_name 'addrmig'; the test's own sessions
// are excluded by pid.

#include <string>

#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

namespace addrmig::test {

// addrmig's sessions on `db` (PostgreSQL), other than the querying one.
inline std::int64_t addrmig_sessions(TestDatabase& db, const std::string& where = "true") {
  return db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  " AND application_name = 'addrmig' AND pid <> pg_backend_pid() AND " + where);
}

inline std::int64_t addrmig_waiting_for_lock(TestDatabase& db) {
  return addrmig_sessions(db, "wait_event_type = 'Lock'");
}

// Locks held or awaited by addrmig's sessions on `db`.
inline std::int64_t addrmig_locks(TestDatabase& db) {
  return db.count("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                  " WHERE a.datname = current_database() AND a.application_name = 'addrmig'"
                  " AND a.pid <> pg_backend_pid()");
}

// A session of the test holding `mode` on `table` in an open transaction
// until release() or destruction.
class LockHolder {
 public:
  LockHolder(TestDatabase& db, const std::string& table, const std::string& mode = "ACCESS EXCLUSIVE")
      : conn_(db.connect()) {
    conn_.execute("SET application_name = 'holder'");
    conn_.execute("BEGIN");
    conn_.execute("LOCK TABLE " + table + " IN " + mode + " MODE");
  }
  ~LockHolder() { release(); }
  void release() {
    if (released_) return;
    released_ = true;
    conn_.execute("ROLLBACK");
  }

 private:
  Connection conn_;
  bool released_ = false;
};

// The single line of stderr (fails the test when there are more).
inline std::string only_line(const std::string& err) {
  CHECK(count_lines(err) == 1);
  return err;
}

}  // namespace addrmig::test
