#include "lib/connection.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <regex>

#include "lib/errors.h"
#include "lib/interrupt.h"
#include "lib/postgres_module.h"
#include "lib/sqlite_session.h"

namespace addrmig {
namespace {

constexpr int kSqliteBusy = 5;    // SQLITE_BUSY
constexpr int kSqliteLocked = 6;  // SQLITE_LOCKED

// A driver message as one line: SOCI prefixes its own words ("Cannot
// establish connection to the database.", "sqlite3_statement_backend::
// loadOne: ") to libpq's or SQLite's multi-line text; keep the driver's words,
// without the server's severity labels ("FATAL:  terminating connection due
// to administrator command") and libpq's three-line guess about a closed
// connection: the line is addrmig's own, the server's reason inside it.
std::string one_line(const std::string& text) {
  static const std::regex soci_prefix(
      R"(^(Cannot establish connection to the database\.\s*|Cannot execute query\. Fatal error\. (Connection failed\. )?|[a-z0-9_]+::[A-Za-z_]+: ))");
  static const std::regex severity(R"((^|\n)\s*(ERROR|FATAL|PANIC|WARNING):\s+)");
  static const std::regex closed_guess(
      R"(server closed the connection unexpectedly\s+This probably means the server terminated abnormally\s+before or while processing the request\.)");
  static const std::regex blanks(R"(\s+)");
  std::string line = std::regex_replace(text, soci_prefix, "");
  line = std::regex_replace(line, severity, "$1");
  line = std::regex_replace(line, closed_guess, "the server closed the connection");
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

// libpq's notices and the server's last words before it closes a session
// ("FATAL: terminating connection due to administrator command"): the error
// that follows says what matters in addrmig's words; the server's text is a
// debug log.
void log_server_notice(const char* message) {
  spdlog::debug("server: {}", one_line(message));
}

}  // namespace

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const DatabaseUrl& url, OpenMode mode, std::chrono::milliseconds lock_timeout) {
  Connection conn;
  conn.dialect_ = url.dialect;
  conn.url_ = url;
  conn.lock_timeout_ = lock_timeout;
  if (url.dialect == Dialect::Sqlite) conn.open_sqlite(mode, lock_timeout);
  else conn.open_postgres(mode);
  return conn;
}

void Connection::open_sqlite(OpenMode mode, std::chrono::milliseconds lock_timeout) {
  namespace fs = std::filesystem;
  const std::string& path = url_.sqlite_path;
  std::error_code ec;
  exists_ = fs::exists(path, ec);
  if (!exists_ && mode == OpenMode::ReadWriteExisting)
    throw DatabaseMissing("the SQLite database " + url_.redacted + " does not exist");
  if (!exists_ && mode == OpenMode::ReadOnly) {
    // Read-only commands never create the file: inspect an empty database.
    session_ = std::make_unique<soci::session>(soci::sqlite3, "db=:memory:");
    return;
  }
  if (path.find('"') != std::string::npos)
    throw ConnectError("cannot open SQLite database " + url_.redacted +
                       ": paths containing '\"' are not supported");
  try {
    session_ = std::make_unique<soci::session>(soci::sqlite3, sqlite_connect_string(path));
    const FileIdentity opened = file_identity(path);
    device_ = opened.device;
    inode_ = opened.inode;
    lock_budget_ = std::make_unique<SqliteLockBudget>();
    lock_budget_->deadline = std::chrono::steady_clock::now() + lock_timeout;
    install_lock_budget(*session_, *lock_budget_);
    void* handle = sqlite_handle(*session_);
    cancel_registration_ = std::make_unique<CancelRegistration>([handle] { interrupt_sqlite(handle); });
    // Catch bad files (not a database, unreadable, a hot journal that cannot
    // be rolled back) at open, not mid-plan.
    session_->once << "PRAGMA schema_version";
    // SQLite enforces foreign keys only when asked, per connection.
    session_->once << "PRAGMA foreign_keys = ON";
    if (mode == OpenMode::ReadOnly) session_->once << "PRAGMA query_only = ON";
  } catch (const soci::sqlite3_soci_error& e) {
    if (e.result() == kSqliteBusy || e.result() == kSqliteLocked)
      throw LockTimeout("cannot read SQLite database " + url_.redacted +
                        ": another connection holds it locked, longer than the lock timeout");
    throw ConnectError("cannot open SQLite database " + url_.redacted + ": " +
                       explain_open_failure(path, e.result(), one_line(e.get_error_message())));
  } catch (const soci::soci_error& e) {
    throw ConnectError("cannot open SQLite database " + url_.redacted + ": " + one_line(e.get_error_message()));
  }
}

void Connection::open_postgres(OpenMode mode) {
  const PostgresModule& postgres = postgres_module();
  try {
    // fallback_application_name first: a URL's own application_name wins;
    // pg_stat_activity shows "addrmig" otherwise.
    session_ = postgres.connect("fallback_application_name=addrmig " + url_.conninfo);
    // libpq prints notices and the messages of a server that ends the
    // session (FATAL, PANIC) on stderr by itself; they are not ours to show.
    postgres.route_notices(*session_, &log_server_notice);
    canceller_ = std::shared_ptr<void>(postgres.make_canceller(*session_), [free = postgres.free_canceller](void* c) {
      if (c) free(c);
    });
    if (void* canceller = canceller_.get())
      cancel_registration_ = std::make_unique<CancelRegistration>([cancel = postgres.cancel, canceller] { cancel(canceller); });
    session_->once << "SET client_min_messages = warning";
    if (mode == OpenMode::ReadOnly)
      session_->once << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
  } catch (const soci::soci_error& e) {
    std::string where = url_.host.empty() ? std::string("local socket") : url_.host;
    if (!url_.port.empty()) where += ":" + url_.port;
    throw ConnectError("cannot connect to PostgreSQL at " + where + " (database " + url_.dbname +
                       "): " + redact(one_line(e.get_error_message()), url_.password));
  }
}

void Connection::set_lock_deadline(std::chrono::steady_clock::time_point deadline) {
  if (lock_budget_) lock_budget_->deadline = deadline;
}

bool Connection::connection_ok() const {
  if (dialect_ != Dialect::Postgres || !session_) return true;
  return postgres_module().connection_ok(*session_);
}

std::string Connection::file_change() const {
  if (dialect_ != Dialect::Sqlite || inode_ == 0) return {};  // 0: nothing opened on disk
  const FileIdentity now = file_identity(url_.sqlite_path);
  if (now.exists && now.device == device_ && now.inode == inode_) return {};
  return "the database file " + url_.sqlite_path +
         (now.exists ? " was replaced (another file was renamed over it)" : " was deleted") +
         " while addrmig had it open; changes made now would go to a file nobody opens again";
}

void Connection::check_same_file() const {
  if (std::string change = file_change(); !change.empty()) throw DbError(change);
}

void Connection::execute(const std::string& sql, const std::string& context) {
  try {
    session_->once << sql;
  } catch (...) {
    // SQLite refuses writes to a moved file ("attempt to write a readonly
    // database"): say what happened instead.
    if (std::string change = file_change(); !change.empty())
      throw DbError(context.empty() ? change : context + ": " + change);
    rethrow_db_error(context, url_.password);
  }
}

void rethrow_db_error(const std::string& context, const std::string& secret) {
  // A statement failing after SIGINT/SIGTERM failed because it was cancelled.
  throw_if_interrupted();
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
