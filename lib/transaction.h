#pragma once
// Transactions that carry the migration lock. SOCI 4.0.3's SQLite begin()
// sends a plain deferred BEGIN, which takes the write lock only at the first
// write and can then fail with SQLITE_BUSY mid-plan; so each dialect issues
// its own statements (DatabaseDialect's begin_write), and these are the RAII
// guards around them (a handled_ flag, like soci::transaction).

#include <chrono>
#include <string>

#include "lib/connection.h"

namespace addrmig {

// The write transaction of apply and seed, as the dialect begins it
// (lib/sqlite/dialect.cpp: foreign keys off for schema changes, one lock
// deadline, BEGIN EXCLUSIVE; lib/postgres/dialect.cpp: BEGIN, the migration's
// own timeouts, pg_advisory_xact_lock).
// Throws LockTimeout when the lock is not granted within `lock_timeout`
// (0: not at once), Interrupted after SIGINT/SIGTERM.
// The destructor rolls back unless commit() ran, and never throws.
class MigrationTransaction {
 public:
  // `foreign_keys_off`: schema changes (apply) need foreign keys off where
  // the dialect rebuilds tables; data writes (seed) keep them enforced.
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

// A read-only snapshot for plan/audit/verify/history (the dialect's
// begin_read(): PostgreSQL REPEATABLE READ, SQLite a deferred BEGIN holding a
// shared lock across the reads). Every lock wait is bounded by the
// connection's lock_timeout(). Always rolled back.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& conn);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& conn_;
};

// "within 5 s", "at once (lock timeout 0: no waiting)": for LockTimeout messages.
std::string describe_lock_timeout(std::chrono::milliseconds timeout);

// Key of the advisory lock all addrmig processes share ("addrmig" in ASCII).
inline constexpr long long kMigrationLockKey = 0x616464726d6967LL;

}  // namespace addrmig
