#include "lib/connection.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <regex>

#include "lib/errors.h"
#include "lib/postgres/module.h"

namespace addrmig {
namespace {

constexpr int kSqliteBusy = 5;    // SQLITE_BUSY
constexpr int kSqliteLocked = 6;  // SQLITE_LOCKED

// A driver message as one line: SOCI prefixes its own words ("Cannot
// establish connection to the database.", "sqlite3_statement_backend::
// loadOne: ") to libpq's or SQLite's multi-line text; keep the driver's words.
std::string one_line(const std::string& text) {
  static const std::regex soci_prefix(R"(^(Cannot establish connection to the database\.\s*|[a-z0-9_]+::[A-Za-z_]+: ))");
  static const std::regex blanks(R"(\s+)");
  std::string line = std::regex_replace(text, soci_prefix, "");
  line = std::regex_replace(line, blanks, " ");
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// SOCI's SQLite connect-string parser splits on blanks and understands double
// quotes; any other path is passed through a quoted value.
// timeout: SQLite's busy timeout (seconds) for the reads done at open while
// another process commits; apply sets its own before BEGIN IMMEDIATE.
std::string sqlite_connect_string(const std::string& path) {
  return "db=\"" + path + "\" timeout=10";
}


// The SQLSTATE of a libpq error; "" for any other, and when no PostgreSQL
// session was ever opened (then it cannot be one).
std::string postgres_sqlstate(const std::exception_ptr& error) {
  const PostgresModule* postgres = loaded_postgres_module();
  return postgres ? postgres->sqlstate(error) : std::string();
}

}  // namespace

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const DatabaseUrl& url, OpenMode mode) {
  Connection conn;
  conn.dialect_ = url.dialect;
  conn.url_ = url;
  if (url.dialect == Dialect::Sqlite) {
    namespace fs = std::filesystem;
    std::error_code ec;
    conn.exists_ = fs::exists(url.sqlite_path, ec);
    if (!conn.exists_ && mode == OpenMode::ReadOnly) {
      // Read-only commands never create the file: inspect an empty database.
      conn.session_ = std::make_unique<soci::session>(soci::sqlite3, "db=:memory:");
      return conn;
    }
    if (url.sqlite_path.find('"') != std::string::npos)
      throw ConnectError("cannot open SQLite database " + url.redacted +
                         ": paths containing '\"' are not supported");
    try {
      conn.session_ =
          std::make_unique<soci::session>(soci::sqlite3, sqlite_connect_string(url.sqlite_path));
      // Catch bad files (not a database, unreadable) at open, not mid-plan.
      conn.session_->once << "PRAGMA schema_version";
      // SQLite enforces foreign keys only when asked, per connection.
      conn.session_->once << "PRAGMA foreign_keys = ON";
      if (mode == OpenMode::ReadOnly) conn.session_->once << "PRAGMA query_only = ON";
    } catch (const soci::soci_error& e) {
      throw ConnectError("cannot open SQLite database " + url.redacted + ": " +
                         one_line(e.get_error_message()));
    }
    return conn;
  }
  const PostgresModule& postgres = postgres_module();
  try {
    conn.session_ = postgres.connect(url.conninfo);
    // libpq prints NOTICEs on stderr by itself ("relation ... already exists,
    // skipping"); they are not ours to show.
    conn.session_->once << "SET client_min_messages = warning";
    if (mode == OpenMode::ReadOnly)
      conn.session_->once << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
  } catch (const soci::soci_error& e) {
    std::string where = url.host.empty() ? std::string("local socket") : url.host;
    if (!url.port.empty()) where += ":" + url.port;
    throw ConnectError("cannot connect to PostgreSQL at " + where + " (database " + url.dbname +
                       "): " + redact(one_line(e.get_error_message()), url.password));
  }
  return conn;
}

void Connection::execute(const std::string& sql, const std::string& context) {
  try {
    session_->once << sql;
  } catch (...) {
    rethrow_db_error(context, url_.password);
  }
}

void rethrow_db_error(const std::string& context, const std::string& secret) {
  const std::string prefix = context.empty() ? std::string() : context + ": ";
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& e) {
    const std::string text = one_line(e.get_error_message());
    if (e.result() == kSqliteBusy || e.result() == kSqliteLocked)
      throw LockTimeout(prefix + "database is locked: " + text);
    throw DbError(prefix + text);
  } catch (const soci::soci_error& e) {
    const std::string text = redact(one_line(e.get_error_message()), secret);
    const std::string state = postgres_sqlstate(std::current_exception());
    if (state.empty()) throw DbError(prefix + text);
    // 55P03 lock_not_available: lock_timeout expired waiting for a table lock.
    if (state == "55P03") throw LockTimeout(prefix + "timed out waiting for a lock: " + text);
    throw DbError(prefix + text + " (SQLSTATE " + state + ")", state);
  }
}

}  // namespace addrmig
