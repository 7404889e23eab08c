#pragma once
// An open database session, by URL. Each dialect opens its own sessions and
// names its own errors (open() and rethrow_typed() of DatabaseDialect); this is the
// generic handle over them.

#include <memory>
#include <string>
#include <vector>

#include "lib/database_url.h"
#include "lib/schema.h"

namespace soci {
class session;
}

namespace addrmig {

enum class OpenMode {
  ReadOnly,   // plan, audit, verify, history: never creates or writes
  ReadWrite,  // apply, seed, run: creates a missing SQLite file
};

class Connection {
 public:
  // Throws ConnectError (one line, host:port, no password).
  static Connection open(const DatabaseUrl& url, OpenMode mode);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  Dialect dialect() const { return dialect_; }
  soci::session& session() { return *session_; }
  // False when a read-only open found no SQLite file: the session is then an
  // empty in-memory database, so inspection sees no tables and nothing is created.
  bool database_exists() const { return exists_; }
  const DatabaseUrl& url() const { return url_; }

  // Runs one statement; errors become DbError/LockTimeout with `context`.
  void execute(const std::string& sql, const std::string& context = {});

 private:
  Connection() = default;
  std::unique_ptr<soci::session> session_;
  Dialect dialect_{};
  bool exists_ = true;
  DatabaseUrl url_;
};

// Call inside a catch block: rethrows the current exception as DbError (with
// SQLSTATE on PostgreSQL) or LockTimeout (SQLITE_BUSY, PostgreSQL 55P03),
// prefixed with `context`, with every one of `secrets` redacted from the
// text. Non-SOCI exceptions pass through unchanged.
[[noreturn]] void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets = {});

// A driver's error text on one line, without SOCI's own prefix.
std::string driver_message(const std::string& text);

}  // namespace addrmig
