#pragma once
// An open database session, by URL. Each dialect opens its own sessions and
// names its own errors (open() and rethrow_typed() of DatabaseDialect); this is
// the generic handle over them.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lib/database_url.h"
#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/schema.h"

namespace soci {
class session;
}

namespace addrmig {

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
  soci::session& session() { return session_->session(); }
  // False when a read-only open found no SQLite file: the session is then an
  // empty in-memory database, so inspection sees no tables and nothing is created.
  bool database_exists() const { return exists_; }
  const DatabaseUrl& url() const { return url_; }
  // The lock timeout given at open: what ReadTransaction waits at most.
  std::chrono::milliseconds lock_timeout() const { return lock_timeout_; }

  // Runs one statement; errors become DbError/LockTimeout with `context`.
  void execute(const std::string& sql, const std::string& context = {});

  // Every wait for a lock from now on ends at `deadline` (one budget for a
  // whole transaction, not one per wait) where the dialect waits by itself
  // (SQLite); a signal ends it at once. PostgreSQL sets lock_timeout per
  // transaction instead: no-op.
  void set_lock_deadline(std::chrono::steady_clock::time_point deadline) {
    session_->set_lock_deadline(deadline);
  }

  // False once the connection to the server is lost (PostgreSQL); SQLite
  // connections never break.
  bool connection_ok() const { return session_->connection_ok(); }

  // Throws DbError when the path no longer names the database file opened
  // (SQLite: deleted, or another file renamed over it): changes would go to a
  // file nobody will open again.
  void check_same_file() const;

 private:
  Connection() = default;
  std::unique_ptr<DialectSession> session_;
  Dialect dialect_{};
  bool exists_ = true;
  DatabaseUrl url_;
  std::chrono::milliseconds lock_timeout_{0};
};

// ReadWriteExisting found no SQLite file; nothing was created.
class DatabaseMissing : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

// Call inside a catch block: rethrows the current exception as DbError (with
// SQLSTATE on PostgreSQL) or LockTimeout (SQLITE_BUSY, PostgreSQL 55P03),
// prefixed with `context`, with every one of `secrets` redacted from the
// text; Interrupted when a signal arrived (the statement was cancelled).
// Non-SOCI exceptions pass through unchanged.
[[noreturn]] void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets = {});

// A driver's error text on one line, without SOCI's own prefix.
std::string driver_message(const std::string& text);

}  // namespace addrmig
