#pragma once
// Database URLs: precedence, parsing, and the redacted form that is the only
// one ever printed.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/schema.h"

namespace addrmig {

struct DatabaseUrl {
  Dialect dialect{};  // set by the URL scheme
  std::string sqlite_path;   // SQLite: the file, as the OS should open it
  std::string conninfo;      // PostgreSQL: libpq keyword/value string (has the password)
  std::string host;          // PostgreSQL: for messages ("cannot connect to host:port")
  std::string port;
  std::string dbname;
  std::string password;      // PostgreSQL: the password keyword's value, if any
  // PostgreSQL: the value of every secret parameter (password, sslpassword,
  // ...), to redact them from driver messages.
  std::vector<std::string> secrets;
  std::string redacted;      // the URL with every secret replaced by "***"
  // What names one database whatever the URL's spelling (user, password and
  // options aside): the SQLite file (device and inode once it exists, else
  // its path with symlinks followed), or PostgreSQL's host, port and dbname.
  // Empty when defaults decide (no dbname, :memory:): nothing to compare.
  std::string identity;
};

// Parses `sqlite:PATH`, `sqlite:///abs/path`, `postgresql://...` and
// `postgres://...`. Adds connect_timeout (seconds) unless the URL sets one.
// Throws UsageError with a one-line message (the redacted URL, never the
// password) when the URL is malformed.
DatabaseUrl parse_database_url(std::string_view url, int connect_timeout_seconds = 10);

// --database > ADDRMIG_DATABASE_URL > [database] url. nullopt when none is set.
std::optional<std::string> choose_database_url(const std::optional<std::string>& flag,
                                               const std::optional<std::string>& config_url);

// Replaces every occurrence of `secret` in `text` with "***" (for error texts
// that a driver built from the connection string).
std::string redact(std::string text, std::string_view secret);
std::string redact(std::string text, const std::vector<std::string>& secrets);

// True for the libpq parameters that hold a secret (libpq's own rule: those
// PQconndefaults() shows with dispchar "*"), in any letter case.
bool is_secret_parameter(std::string_view keyword);

}  // namespace addrmig
