#include "lib/connection.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "lib/errors.h"
#include "lib/identifier.h"
#include "lib/interrupt.h"
#include "lib/postgres_module.h"
#include "lib/sqlite_session.h"

namespace addrmig {
namespace {

constexpr int kSqliteBusy = 5;    // SQLITE_BUSY
constexpr int kSqliteLocked = 6;  // SQLITE_LOCKED

// A driver message as one line: the server's own words. SOCI prefixes its
// own ("Cannot execute query. Fatal error.", "Cannot establish connection to
// the database.", "sqlite3_statement_backend::loadOne: "); libpq adds the
// severity tag ("ERROR:  ", also before a server's last words: "FATAL:
// terminating connection due to administrator command"), its three-line guess
// about a closed connection and, on several lines, an excerpt of the
// statement with a caret under the failing spot ("LINE 1: ...", "^") and
// CONTEXT/QUERY/STATEMENT echoes. Kept: the message, DETAIL and HINT; the line
// is addrmig's own, the server's reason inside it.
std::string one_line(const std::string& text) {
  static const std::regex soci_prefix(
      R"(^(Cannot establish connection to the database\.\s*|Cannot execute query\. Fatal error\. (Connection failed\. )?|[a-z0-9_]+::[A-Za-z_]+: ))");
  static const std::regex severity_tag(R"((^|\s)(ERROR|FATAL|PANIC|WARNING):\s+)");
  static const std::regex closed_guess(
      R"(server closed the connection unexpectedly\s+This probably means the server terminated abnormally\s+before or while processing the request\.)");
  static const std::regex echo_line(R"(^(LINE \d+:|QUERY:|CONTEXT:|STATEMENT:|\s*\^\s*$))");
  static const std::regex blanks(R"(\s+)");
  std::string message = std::regex_replace(text, soci_prefix, "");
  std::smatch tag;
  if (std::regex_search(message, tag, severity_tag)) message = tag.suffix().str();
  message = std::regex_replace(message, closed_guess, "the server closed the connection");
  std::string line;
  std::istringstream lines(message);
  bool in_echo = false;
  for (std::string part; std::getline(lines, part);) {
    // An echo goes on over tab-indented continuation lines.
    if (std::regex_search(part, echo_line)) in_echo = true;
    else if (part.empty() || (part[0] != '\t' && part[0] != ' ')) in_echo = false;
    if (!in_echo) line += " " + part;
  }
  // The labels of further messages in the same text ("FATAL: ..." after a
  // "WARNING: ..." the server sent before closing the session).
  line = std::regex_replace(line, severity_tag, "$1");
  line = std::regex_replace(line, blanks, " ");
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
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

// Every PostgreSQL session, in one round trip:
//  - client_encoding UTF8: config text, identifiers and seed values are UTF-8;
//    the server converts to its own encoding (LATIN1, ...) and refuses text
//    it cannot represent (SQLSTATE 22P05) instead of storing mojibake.
//  - row_security off: the checks that decide about data (orphans, NULLs,
//    seed lookups, verify) must see every row; a query that a row-level
//    security policy would filter fails (42501) instead of seeing fewer rows.
//  - DateStyle ISO, extra_float_digits 1: dates, timestamps and floats read
//    back as text in one exact spelling, whatever the server's defaults.
//  - client_min_messages: NOTICEs ("relation ... already exists, skipping")
//    are not ours to show (the notice processor logs what still comes).
constexpr const char* kPostgresSessionSettings =
    "SELECT set_config('client_encoding', 'UTF8', false), set_config('row_security', 'off', false),"
    " set_config('DateStyle', 'ISO, YMD', false), set_config('extra_float_digits', '1', false),"
    " set_config('client_min_messages', 'warning', false)";

// "host:port (database d)" as libpq resolved them; a socket directory or the
// default one for a local connection.
std::string where(const PostgresTarget& target) {
  std::string host = target.host.empty()          ? std::string("the local socket")
                     : target.host.front() == '/' ? "socket directory " + target.host
                                                  : target.host;
  if (!target.port.empty()) host += (target.host.empty() || target.host.front() == '/' ? " port " : ":") + target.port;
  return escape_control(host) + " (database " + escape_control(target.dbname) + ")";
}

// What a DBA needs to know beyond the server's words, for the errors that a
// production server's own settings cause.
std::string explain_sqlstate(const std::string& state, const std::string& text) {
  // untranslatable_character: the text has no form in the server encoding.
  if (state == "22P05")
    return "; the database's encoding cannot store this text (addrmig sends UTF-8); nothing was written";
  // insufficient_privilege raised by row_security = off (see above).
  if (state == "42501" && text.find("row-level security") != std::string::npos)
    return "; row-level security would hide rows from addrmig's checks: run as the table owner "
           "(without FORCE ROW LEVEL SECURITY) or a role with BYPASSRLS";
  return {};
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
    session_->once << kPostgresSessionSettings;
    if (mode == OpenMode::ReadOnly)
      session_->once << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
  } catch (const soci::soci_error& e) {
    throw ConnectError("cannot connect to PostgreSQL at " + where(postgres.describe_target(url_.conninfo)) +
                       ": " + redact(one_line(e.get_error_message()), url_.secrets));
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
    rethrow_db_error(context, url_.secrets);
  }
}

void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets) {
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
    const std::string text = redact(one_line(e.get_error_message()), secrets);
    const std::string state = postgres_sqlstate(std::current_exception());
    if (state.empty()) throw DbError(prefix + text);
    // 55P03 lock_not_available: lock_timeout expired waiting for a table lock.
    if (state == "55P03") throw LockTimeout(prefix + "timed out waiting for a lock: " + text);
    throw DbError(prefix + text + explain_sqlstate(state, text) + " (SQLSTATE " + state + ")", state);
  }
}

}  // namespace addrmig
