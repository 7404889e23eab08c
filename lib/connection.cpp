#include "lib/connection.h"

#include <soci/soci.h>

#include <regex>

#include "lib/dialect.h"
#include "lib/errors.h"

namespace addrmig {

// SOCI prefixes its own words ("Cannot establish connection to the
// database.", "sqlite3_statement_backend::loadOne: ") to libpq's or SQLite's
// multi-line text; keep the driver's words, on one line.
std::string driver_message(const std::string& text) {
  static const std::regex soci_prefix(R"(^(Cannot establish connection to the database\.\s*|[a-z0-9_]+::[A-Za-z_]+: ))");
  static const std::regex blanks(R"(\s+)");
  std::string line = std::regex_replace(text, soci_prefix, "");
  line = std::regex_replace(line, blanks, " ");
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
    rethrow_db_error(context, url_.password);
  }
}

void rethrow_db_error(const std::string& context, const std::string& secret) {
  const std::string prefix = context.empty() ? std::string() : context + ": ";
  const std::exception_ptr error = std::current_exception();
  for (const DatabaseDialect* dialect : all_dialects()) dialect->rethrow_typed(error, prefix, secret);
  try {
    throw;
  } catch (const soci::soci_error& e) {
    throw DbError(prefix + redact(driver_message(e.get_error_message()), secret));
  }
}

}  // namespace addrmig
