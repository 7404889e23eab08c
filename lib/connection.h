#pragma once
// An open database session, by URL. The only place that knows SOCI's backend
// names and turns soci_error into our typed errors.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lib/database_url.h"
#include "lib/errors.h"
#include "lib/schema.h"

namespace soci {
class session;
}

namespace addrmig {

enum class OpenMode {
  ReadOnly,           // plan, audit, verify, history: never creates or writes
  ReadWrite,          // apply, seed, run: creates a missing SQLite file
  ReadWriteExisting,  // apply FILE of a plan made from an existing database: creates nothing
};

class CancelRegistration;
struct SqliteLockBudget;

// How long to wait for locks by default (seconds), when neither --lock-timeout
// nor [apply] lock_timeout says.
inline constexpr int kDefaultLockTimeoutSeconds = 60;

class Connection {
 public:
  // Throws ConnectError (one line, host:port, no password); DatabaseMissing
  // for ReadWriteExisting on a missing SQLite file. `lock_timeout` bounds the
  // waits for locks of the reads done while opening (SQLite).
  static Connection open(const DatabaseUrl& url, OpenMode mode,
                         std::chrono::milliseconds lock_timeout =
                             std::chrono::seconds(kDefaultLockTimeoutSeconds));

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  Dialect dialect() const { return dialect_; }
  soci::session& session() { return *session_; }
  // False when a read-only open found no SQLite file: the session is then an
  // empty in-memory database, so inspection sees no tables and nothing is created.
  bool database_exists() const { return exists_; }
  const DatabaseUrl& url() const { return url_; }
  // The lock timeout given at open: what ReadTransaction waits at most.
  std::chrono::milliseconds lock_timeout() const { return lock_timeout_; }

  // Runs one statement; errors become DbError/LockTimeout with `context`.
  void execute(const std::string& sql, const std::string& context = {});

  // SQLite: every wait for a lock from now on ends at `deadline` (one budget
  // for a whole transaction, not one per wait); a signal ends it at once.
  // PostgreSQL sets lock_timeout per transaction instead: no-op.
  void set_lock_deadline(std::chrono::steady_clock::time_point deadline);

  // False once the connection to the server is lost (PostgreSQL); SQLite
  // connections never break.
  bool connection_ok() const;

  // SQLite: throws DbError when the path no longer names the file opened
  // (deleted, or another file renamed over it): changes would go to a file
  // nobody will open again. PostgreSQL: no-op.
  void check_same_file() const;

 private:
  Connection() = default;
  void open_sqlite(OpenMode mode, std::chrono::milliseconds lock_timeout);
  void open_postgres(OpenMode mode);
  // check_same_file's message, empty when the path still names the file.
  std::string file_change() const;
  // Declared in this order so that, on destruction, the registration goes
  // first (no cancel can run any more), then the cancel handle, then the
  // session, and last the lock budget its busy handler reads while closing.
  std::unique_ptr<SqliteLockBudget> lock_budget_;
  std::unique_ptr<soci::session> session_;
  std::shared_ptr<void> canceller_;
  std::unique_ptr<CancelRegistration> cancel_registration_;
  Dialect dialect_ = Dialect::Sqlite;
  bool exists_ = true;
  DatabaseUrl url_;
  std::chrono::milliseconds lock_timeout_{0};
  unsigned long long device_ = 0, inode_ = 0;  // SQLite: the file opened
};

// ReadWriteExisting found no SQLite file; nothing was created.
class DatabaseMissing : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

// Call inside a catch block: rethrows the current exception as DbError (with
// SQLSTATE on PostgreSQL) or LockTimeout (SQLITE_BUSY, PostgreSQL 55P03),
// prefixed with `context`, with every one of `secrets` redacted from the
// text. Non-SOCI exceptions pass through unchanged.
[[noreturn]] void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets = {});

}  // namespace addrmig
