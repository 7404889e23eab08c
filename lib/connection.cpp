#include "lib/connection.h"

#include <soci/soci.h>

#include <regex>
#include <sstream>

#include "lib/dialect.h"
#include "lib/errors.h"

namespace addrmig {

// SOCI prefixes its own words ("Cannot establish connection to the
// database.", "sqlite3_statement_backend::loadOne: ") to libpq's or SQLite's
// multi-line text; keep the driver's words, on one line.
std::string driver_message(const std::string& text) {
  static const std::regex soci_prefix(R"(^(Cannot establish connection to the database\.\s*|[a-z0-9_]+::[A-Za-z_]+: ))");
  static const std::regex severity_tag(R"((^|\s)(ERROR|FATAL|PANIC):  )");
  static const std::regex echo_line(R"(^(LINE \d+:|QUERY:|CONTEXT:|STATEMENT:|\s*\^\s*$))");
  static const std::regex blanks(R"(\s+)");
  std::string message = std::regex_replace(text, soci_prefix, "");
  std::smatch tag;
  if (std::regex_search(message, tag, severity_tag)) message = tag.suffix().str();
  std::string line;
  std::istringstream lines(message);
  bool in_echo = false;
  for (std::string part; std::getline(lines, part);) {
    // An echo goes on over tab-indented continuation lines.
    if (std::regex_search(part, echo_line)) in_echo = true;
    else if (part.empty() || (part[0] != '\t' && part[0] != ' ')) in_echo = false;
    if (!in_echo) line += " " + part;
  }
  line = std::regex_replace(line, blanks, " ");
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const DatabaseUrl& url, OpenMode mode) {
  Connection conn;
  conn.dialect_ = url.dialect;
  conn.url_ = url;
  conn.session_ = dialect_of(url.dialect).open(url, mode == OpenMode::ReadOnly, conn.exists_);
  return conn;
}

void Connection::execute(const std::string& sql, const std::string& context) {
  try {
    session_->once << sql;
  } catch (...) {
    rethrow_db_error(context, url_.secrets);
  }
}

void rethrow_db_error(const std::string& context, const std::vector<std::string>& secrets) {
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
