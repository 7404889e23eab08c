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
//    CASCADE on child rows), busy_timeout, BEGIN IMMEDIATE.
//  - PostgreSQL: BEGIN, SET LOCAL lock_timeout, pg_advisory_xact_lock. The
//    lock is transaction-level so it can never go stale behind a pooler, and
//    lock_timeout also bounds the wait for table locks the DDL needs.
// Throws LockTimeout when the lock is not granted within `lock_timeout`.
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

  void commit();

 private:
  void restore_foreign_keys() noexcept;
  Connection& conn_;
  bool foreign_keys_off_;
  bool handled_ = false;
};

// A read-only snapshot for plan/audit/verify: PostgreSQL BEGIN READ ONLY
// REPEATABLE READ (one consistent view across the catalog queries); SQLite a
// deferred BEGIN (a shared lock held across the reads). Always rolled back.
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
