#pragma once
// Transactions that carry the migration lock. SOCI 4.0.3's SQLite begin()
// sends a plain deferred BEGIN, which takes the write lock only at the first
// write and can then fail with SQLITE_BUSY mid-plan; so we issue the
// statements ourselves (RAII with a handled_ flag, like soci::transaction).

#include <chrono>

#include "lib/connection.h"

namespace addrmig {

// The write transaction of apply:
//  - SQLite: PRAGMA foreign_keys=OFF (a no-op inside a transaction, so it
//    must come first: a table rebuild's DROP would otherwise fire ON DELETE
//    CASCADE on child rows), one lock deadline, BEGIN EXCLUSIVE.
//  - PostgreSQL: BEGIN, the migration's own timeouts (postgres_session.h),
//    pg_advisory_xact_lock. The lock is transaction-level so it can never go
//    stale behind a pooler, and lock_timeout also bounds the wait for table
//    locks the DDL needs.
// Throws LockTimeout when the lock is not granted within `lock_timeout`
// (0: not at once), Interrupted after SIGINT/SIGTERM.
// The destructor rolls back unless commit() ran, and never throws.
class MigrationTransaction {
 public:
  // `foreign_keys_off`: SQLite only; schema changes need it, data writes
  // (seed) must keep foreign keys enforced.
  MigrationTransaction(Connection& conn, std::chrono::milliseconds lock_timeout,
                       bool foreign_keys_off = true);
  ~MigrationTransaction();
  MigrationTransaction(const MigrationTransaction&) = delete;
  MigrationTransaction& operator=(const MigrationTransaction&) = delete;

  // Throws Interrupted (before COMMIT: rolled back), DbError (the file was
  // replaced, or COMMIT failed: rolled back), CommitUnknown (the connection
  // was lost while COMMIT was in flight: it may or may not have committed).
  void commit();

 private:
  void restore_foreign_keys() noexcept;
  Connection& conn_;
  bool foreign_keys_off_;
  bool handled_ = false;
};

// A read-only snapshot for plan/audit/verify/history: PostgreSQL BEGIN READ
// ONLY REPEATABLE READ (one consistent view across the catalog queries);
// SQLite a deferred BEGIN (a shared lock held across the reads). Every lock
// wait is bounded by the connection's lock_timeout(). Always rolled back.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& conn);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& conn_;
};

// Key of the advisory lock all addrmig processes share ("addrmig" in ASCII).
inline constexpr long long kMigrationLockKey = 0x616464726d6967LL;

}  // namespace addrmig
