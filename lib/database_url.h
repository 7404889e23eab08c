#pragma once
// Database URLs: precedence, parsing, and the redacted form that is the only
// one ever printed.

#include <optional>
#include <string>
#include <string_view>

#include "lib/schema.h"

namespace addrmig {

struct DatabaseUrl {
  Dialect dialect{};  // set by the URL scheme
  std::string sqlite_path;   // SQLite: the file, as the OS should open it
  std::string conninfo;      // PostgreSQL: libpq keyword/value string (has the password)
  std::string host;          // PostgreSQL: for messages ("cannot connect to host:port")
  std::string port;
  std::string dbname;
  std::string password;      // PostgreSQL: only to redact it from driver messages
  std::string redacted;      // the URL with any password replaced by "***"
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

}  // namespace addrmig
