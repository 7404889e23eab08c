#include "lib/connection.h"

#include <soci/soci.h>

#include <regex>
#include <sstream>

#include "lib/errors.h"
#include "lib/interrupt.h"

namespace addrmig {

// A driver message as one line: the server's own words. SOCI prefixes its
// own ("Cannot execute query. Fatal error.", "Cannot establish connection to
// the database.", "sqlite3_statement_backend::loadOne: "); libpq adds the
// severity tag ("ERROR:  ", also before a server's last words: "FATAL:
// terminating connection due to administrator command"), its three-line guess
// about a closed connection and, on several lines, an excerpt of the
// statement with a caret under the failing spot ("LINE 1: ...", "^") and
// CONTEXT/QUERY/STATEMENT echoes. Kept: the message, DETAIL and HINT; the line
// is addrmig's own, the server's reason inside it.
std::string driver_message(const std::string& text) {
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

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const DatabaseUrl& url, OpenMode mode, std::chrono::milliseconds lock_timeout) {
  Connection conn;
  conn.dialect_ = url.dialect;
  conn.url_ = url;
  conn.lock_timeout_ = lock_timeout;
  conn.session_ = dialect_of(url.dialect).open(url, mode, lock_timeout, conn.exists_);
  return conn;
}

void Connection::check_same_file() const {
  if (std::string change = session_->file_change(); !change.empty()) throw DbError(change);
}

void Connection::execute(const std::string& sql, const std::string& context) {
  try {
    session().once << sql;
  } catch (...) {
    // SQLite refuses writes to a moved file ("attempt to write a readonly
    // database"): say what happened instead.
    if (std::string change = session_->file_change(); !change.empty())
      throw DbError(context.empty() ? change : context + ": " + change);
    rethrow_db_error(context, url_.secrets);
  }
}

void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets) {
  // A statement failing after SIGINT/SIGTERM failed because it was cancelled.
  throw_if_interrupted();
  const std::string prefix = context.empty() ? std::string() : context + ": ";
  const std::exception_ptr error = std::current_exception();
  for (const DatabaseDialect* dialect : all_dialects()) dialect->rethrow_typed(error, prefix, secrets);
  try {
    throw;
  } catch (const soci::soci_error& e) {
    throw DbError(prefix + redact(driver_message(e.get_error_message()), secrets));
  }
}

}  // namespace addrmig
