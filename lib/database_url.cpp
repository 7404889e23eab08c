#include "lib/database_url.h"

#include <sys/stat.h>

#include <filesystem>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

#include "lib/errors.h"
#include "lib/file_path.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

constexpr std::string_view kDefaultPostgresPort = "5432";
constexpr std::string_view kMask = "***";

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// Masks the password of a "scheme://user:password@host..." URL and the value
// of every query parameter that holds a secret (is_secret_parameter, in any
// letter case: `?PASSWORD=` is refused as a parameter name, and the error that
// says so prints the URL). Works on malformed URLs too, because the error that
// reports a malformed URL must not print a secret either. It masks from the
// first ':' to the last '@', wherever they are: a password with an unencoded
// '/', '?' or '@' must not escape the mask, and masking too much of a message
// costs nothing.
std::string redact_url(std::string_view url) {
  std::string out(url);
  const std::size_t scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  const std::size_t authority_begin = scheme_end + 3;
  const std::size_t at = out.rfind('@');
  const std::size_t colon = out.find(':', authority_begin);
  if (at != std::string::npos && at > authority_begin && colon < at)
    out.replace(colon + 1, at - colon - 1, kMask);
  const std::size_t query = out.find('?', authority_begin);
  if (query == std::string::npos) return out;
  std::size_t param = query + 1;
  while (param <= out.size()) {
    std::size_t param_end = out.find('&', param);
    if (param_end == std::string::npos) param_end = out.size();
    const std::string_view piece = std::string_view(out).substr(param, param_end - param);
    const std::size_t equals = piece.find('=');
    if (equals != std::string_view::npos && is_secret_parameter(piece.substr(0, equals))) {
      const std::size_t value = param + equals + 1;
      out.replace(value, param_end - value, kMask);
      param_end = value + kMask.size();
    }
    param = param_end + 1;
  }
  return out;
}

// A URL problem: one line naming the redacted URL.
[[noreturn]] void invalid(std::string_view url, std::string_view reason) {
  throw UsageError("invalid database URL '" + escape_control(redact_url(url)) +
                   "': " + std::string(reason));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes of one URL component. `what` names the component in
// errors ("password", "host"), never its value.
std::string percent_decode(std::string_view url, std::string_view text, std::string_view what) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) invalid(url, "bad percent-encoding in the " + std::string(what));
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (out.find('\0') != std::string::npos)
    invalid(url, "the " + std::string(what) + " contains a NUL byte");
  return out;
}

// libpq keyword/value syntax: values single-quoted, with ' and \ escaped by a
// backslash (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
std::string conninfo_value(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool is_keyword(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(),
                                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

std::string checked_port(std::string_view url, std::string_view port) {
  const bool digits =
      !port.empty() && port.size() <= 5 &&
      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
    // The port's text is not echoed: with a mistyped authority it can be a
    // piece of the password (postgresql://u:pa/ss@h reads port "pa").
    invalid(url, "the port is not a number from 1 to 65535");
  return std::string(port);
}

// `sqlite:PATH` (PATH as the OS opens it: relative to the working directory
// unless it starts with /), and the URL form `sqlite:///abs/path` with an
// empty (or localhost) authority. Paths are literal: no percent-decoding.
// The file, by device and inode once it exists (hard links are one database
// too), else by its path with symlinks followed; empty for :memory:.
std::string sqlite_identity(const std::string& path) {
  if (path.empty() || path == ":memory:") return "";
  const std::filesystem::path followed = follow_symlinks(path).value_or(std::filesystem::absolute(path));
  struct stat info {};
  if (::stat(followed.c_str(), &info) == 0)
    return "sqlite-file:" + std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  std::error_code error;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(followed, error);
  return "sqlite:" + (error ? followed.lexically_normal() : canonical).string();
}

DatabaseUrl parse_sqlite(std::string_view url, std::string_view rest) {
  std::string_view path = rest;
  if (rest.starts_with("//")) {
    const std::string_view after = rest.substr(2);
    const std::size_t slash = after.find('/');
    const std::string_view authority = after.substr(0, slash);
    if (!authority.empty() && authority != "localhost")
      invalid(url, "an SQLite URL names a file, not a host ('" + escape_control(authority) +
                       "'); write sqlite:relative/path or sqlite:///absolute/path");
    path = slash == std::string_view::npos ? std::string_view{} : after.substr(slash);
  }
  if (path.empty()) invalid(url, "no database file given");
  if (path.find('\0') != std::string_view::npos) invalid(url, "the path contains a NUL byte");
  DatabaseUrl parsed;
  parsed.dialect = Dialect::Sqlite;
  parsed.sqlite_path = std::string(path);
  parsed.redacted = std::string(url);
  parsed.identity = sqlite_identity(parsed.sqlite_path);
  return parsed;
}

struct HostPort {
  std::string host;
  std::string port;
};

// "host", "host:port", "[::1]:port" or "" (libpq's default: the local socket).
HostPort split_host_port(std::string_view url, std::string_view text) {
  if (text.find(',') != std::string_view::npos) invalid(url, "multiple hosts are not supported");
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) invalid(url, "unterminated IPv6 address (missing ']')");
    host = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      invalid(url, "unexpected text after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
    if (host.empty()) invalid(url, "empty IPv6 address");
    if (!after.empty()) return {std::string(host), checked_port(url, port)};
    return {std::string(host), {}};
  }
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    return {percent_decode(url, host, "host"), checked_port(url, port)};
  }
  return {percent_decode(url, host, "host"), {}};
}

using Keywords = std::vector<std::pair<std::string, std::string>>;

void add_keyword(std::string_view url, Keywords& keywords, std::string key, std::string value) {
  for (const auto& [existing, unused] : keywords)
    if (existing == key) invalid(url, "parameter '" + key + "' is given twice");
  keywords.emplace_back(std::move(key), std::move(value));
}

const std::string* find_keyword(const Keywords& keywords, std::string_view key) {
  for (const auto& [name, value] : keywords)
    if (name == key) return &value;
  return nullptr;
}

// postgresql://user[:password]@host[:port]/dbname[?param=value...], as libpq
// reads it (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING-URIS),
// turned into a keyword/value conninfo so that every value is quoted by us.
DatabaseUrl parse_postgres(std::string_view url, std::string_view rest,
                           int connect_timeout_seconds) {
  if (rest.find('#') != std::string_view::npos) invalid(url, "a URL fragment ('#') is not allowed");
  const std::size_t question = rest.find('?');
  const std::string_view head = rest.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  const std::size_t slash = head.find('/');
  const std::string_view authority = head.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : head.substr(slash + 1);

  const std::size_t at = authority.rfind('@');
  const std::string_view userinfo =
      at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
  const std::string_view hostport =
      at == std::string_view::npos ? authority : authority.substr(at + 1);

  Keywords keywords;
  const HostPort host_port = split_host_port(url, hostport);
  if (!host_port.host.empty()) add_keyword(url, keywords, "host", host_port.host);
  if (!host_port.port.empty()) add_keyword(url, keywords, "port", host_port.port);
  if (!path.empty())
    add_keyword(url, keywords, "dbname", percent_decode(url, path, "database name"));
  if (!userinfo.empty()) {
    const std::size_t colon = userinfo.find(':');
    const std::string user = percent_decode(url, userinfo.substr(0, colon), "user name");
    if (!user.empty()) add_keyword(url, keywords, "user", user);
    if (colon != std::string_view::npos)
      add_keyword(url, keywords, "password",
                  percent_decode(url, userinfo.substr(colon + 1), "password"));
  }
  std::size_t begin = 0;
  while (begin < query.size()) {
    const std::size_t end = std::min(query.find('&', begin), query.size());
    const std::string_view param = query.substr(begin, end - begin);
    begin = end + 1;
    if (param.empty()) continue;
    const std::size_t equals = param.find('=');
    const std::string_view key = param.substr(0, equals);
    if (equals == std::string_view::npos)
      invalid(url, "parameter '" + escape_control(key) + "' has no value (write " + escape_control(key) +
                       "=VALUE)");
    if (!is_keyword(key)) invalid(url, "'" + escape_control(key) + "' is not a libpq parameter name");
    add_keyword(
        url, keywords, std::string(key),
        percent_decode(url, param.substr(equals + 1), "value of '" + std::string(key) + "'"));
  }
  if (!find_keyword(keywords, "connect_timeout"))
    keywords.emplace_back("connect_timeout", std::to_string(connect_timeout_seconds));

  DatabaseUrl parsed;
  parsed.dialect = Dialect::Postgres;
  for (const auto& [key, value] : keywords) {
    if (!parsed.conninfo.empty()) parsed.conninfo += ' ';
    parsed.conninfo += key + "=" + conninfo_value(value);
  }
  const auto keyword_or = [&](std::string_view key, std::string_view fallback) {
    const std::string* value = find_keyword(keywords, key);
    return value ? *value : std::string(fallback);
  };
  parsed.host = keyword_or("host", "");
  parsed.port = keyword_or("port", kDefaultPostgresPort);
  parsed.dbname = keyword_or("dbname", "");
  if (!parsed.dbname.empty()) parsed.identity = "postgresql://" + parsed.host + ":" + parsed.port + "/" + parsed.dbname;
  parsed.password = keyword_or("password", "");
  for (const auto& [key, value] : keywords)
    if (is_secret_parameter(key) && !value.empty()) parsed.secrets.push_back(value);
  parsed.redacted = escape_control(redact_url(url));
  return parsed;
}

}  // namespace

DatabaseUrl parse_database_url(std::string_view url, int connect_timeout_seconds) {
  if (url.empty()) throw UsageError("empty database URL");
  for (std::string_view scheme : {"postgresql://", "postgres://"})
    if (starts_with_nocase(url, scheme))
      return parse_postgres(url, url.substr(scheme.size()), connect_timeout_seconds);
  constexpr std::string_view sqlite_scheme = "sqlite:";
  if (starts_with_nocase(url, sqlite_scheme))
    return parse_sqlite(url, url.substr(sqlite_scheme.size()));
  throw UsageError("unsupported database URL '" + escape_control(redact_url(url)) +
                   "': expected sqlite:PATH or postgresql://user@host/dbname");
}

std::optional<std::string> choose_database_url(const std::optional<std::string>& flag,
                                               const std::optional<std::string>& config_url) {
  if (flag) return flag;
  // An exported but empty variable counts as unset, as shells make that easy.
  if (const char* env = std::getenv("ADDRMIG_DATABASE_URL"); env && *env) return std::string(env);
  return config_url;
}

bool is_secret_parameter(std::string_view keyword) {
  // libpq marks these with dispchar "*" in PQconndefaults() ("password
  // field - hide value"); a test checks this list against the linked libpq's.
  // oauth_client_secret arrives with libpq 18.
  for (std::string_view secret : {"password", "sslpassword", "oauth_client_secret"})
    if (keyword.size() == secret.size() && starts_with_nocase(keyword, secret)) return true;
  return false;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) text = redact(std::move(text), secret);
  return text;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kMask.size()))
    text.replace(at, secret.size(), kMask);
  return text;
}

}  // namespace addrmig
