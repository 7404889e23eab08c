// Database URL parsing, precedence and redaction. Error texts are asserted
// exactly: they are what an operator reads, and they must never hold a password.

#include "lib/database_url.h"

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <vector>
#include <cstdlib>
#include <optional>
#include <string>

#include "lib/errors.h"

using addrmig::choose_database_url;
using addrmig::DatabaseUrl;
using addrmig::Dialect;
using addrmig::parse_database_url;
using addrmig::redact;
using addrmig::UsageError;

namespace {

std::string url_error(const std::string& url) {
  try {
    parse_database_url(url);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

// Sets or unsets ADDRMIG_DATABASE_URL for one scope, restoring it afterwards.
class ScopedUrlEnv {
 public:
  explicit ScopedUrlEnv(const char* value) {
    if (const char* old = std::getenv(kName)) saved_ = old;
    if (value)
      ::setenv(kName, value, 1);
    else
      ::unsetenv(kName);
  }
  ~ScopedUrlEnv() {
    if (saved_)
      ::setenv(kName, saved_->c_str(), 1);
    else
      ::unsetenv(kName);
  }
  ScopedUrlEnv(const ScopedUrlEnv&) = delete;
  ScopedUrlEnv& operator=(const ScopedUrlEnv&) = delete;

 private:
  static constexpr const char* kName = "ADDRMIG_DATABASE_URL";
  std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("sqlite URLs name a file, relative to the working directory or absolute", "[url]") {
  struct Case {
    std::string url;
    std::string path;
  };
  const Case cases[] = {
      {"sqlite:addrmig-demo.db", "addrmig-demo.db"},
      {"sqlite:data/app.db", "data/app.db"},
      {"sqlite:/var/db/app.db", "/var/db/app.db"},
      {"sqlite:///var/db/app.db", "/var/db/app.db"},
      {"sqlite://localhost/var/db/app.db", "/var/db/app.db"},
      {"SQLite:app.db", "app.db"},
      {"sqlite:my db;drop.db", "my db;drop.db"},
      {"sqlite:100%25.db", "100%25.db"},  // paths are literal, not percent-decoded
  };
  for (const Case& c : cases) {
    INFO(c.url);
    const DatabaseUrl parsed = parse_database_url(c.url);
    CHECK(parsed.dialect == Dialect::Sqlite);
    CHECK(parsed.sqlite_path == c.path);
    CHECK(parsed.redacted == c.url);
    CHECK(parsed.password.empty());
  }
}

TEST_CASE("malformed sqlite URLs are one-line usage errors", "[url]") {
  CHECK(url_error("sqlite:") == "invalid database URL 'sqlite:': no database file given");
  CHECK(url_error("sqlite://") == "invalid database URL 'sqlite://': no database file given");
  CHECK(url_error("sqlite://dbhost/app.db") ==
        "invalid database URL 'sqlite://dbhost/app.db': an SQLite URL names a file, not a host "
        "('dbhost'); write sqlite:relative/path or sqlite:///absolute/path");
  CHECK(url_error(std::string("sqlite:a\0b.db", 13)) ==
        "invalid database URL 'sqlite:a\\x00b.db': the path contains a NUL byte");
}

TEST_CASE("postgresql URLs become a quoted libpq conninfo", "[url]") {
  const DatabaseUrl parsed = parse_database_url("postgresql://postgres@127.0.0.1:5432/addrmig");
  CHECK(parsed.dialect == Dialect::Postgres);
  CHECK(parsed.conninfo ==
        "host='127.0.0.1' port='5432' dbname='addrmig' user='postgres' connect_timeout='10'");
  CHECK(parsed.host == "127.0.0.1");
  CHECK(parsed.port == "5432");
  CHECK(parsed.dbname == "addrmig");
  CHECK(parsed.password.empty());
  CHECK(parsed.redacted == "postgresql://postgres@127.0.0.1:5432/addrmig");
}

TEST_CASE("postgres:// is an alias and the port defaults to 5432", "[url]") {
  const DatabaseUrl parsed = parse_database_url("postgres://app@db.internal/shop", 3);
  CHECK(parsed.conninfo == "host='db.internal' dbname='shop' user='app' connect_timeout='3'");
  CHECK(parsed.port == "5432");
}

TEST_CASE("a URL without host leaves libpq its defaults (socket, PG* variables)", "[url]") {
  const DatabaseUrl parsed = parse_database_url("postgresql:///addrmig");
  CHECK(parsed.conninfo == "dbname='addrmig' connect_timeout='10'");
  CHECK(parsed.host.empty());
  CHECK(parsed.dbname == "addrmig");
}

TEST_CASE("passwords are percent-decoded, escaped for libpq and redacted", "[url]") {
  const DatabaseUrl parsed = parse_database_url(
      "postgresql://bob:p%40ss%27w%5Cord%20x@[::1]:6543/my%20db?sslmode=disable");
  CHECK(parsed.password == "p@ss'w\\ord x");
  CHECK(parsed.conninfo ==
        "host='::1' port='6543' dbname='my db' user='bob' password='p@ss\\'w\\\\ord x' "
        "sslmode='disable' connect_timeout='10'");
  CHECK(parsed.host == "::1");
  CHECK(parsed.port == "6543");
  CHECK(parsed.dbname == "my db");
  CHECK(parsed.redacted == "postgresql://bob:***@[::1]:6543/my%20db?sslmode=disable");
}

TEST_CASE("query parameters pass through as libpq keywords; a password there is redacted too",
          "[url]") {
  const DatabaseUrl parsed = parse_database_url(
      "postgresql://u@h/d?password=s3cret&connect_timeout=2&application_name=add%20rmig");
  CHECK(parsed.conninfo ==
        "host='h' dbname='d' user='u' password='s3cret' connect_timeout='2' "
        "application_name='add rmig'");
  CHECK(parsed.password == "s3cret");
  CHECK(parsed.redacted ==
        "postgresql://u@h/d?password=***&connect_timeout=2&application_name=add%20rmig");
}

TEST_CASE("an unencoded '@' or '/' in a password still never reaches a message", "[url]") {
  const DatabaseUrl at_sign = parse_database_url("postgresql://u:p@ss@h/d");
  CHECK(at_sign.password == "p@ss");
  CHECK(at_sign.redacted == "postgresql://u:***@h/d");
  const std::string error = url_error("postgresql://u:pa/ss@h/d");
  CHECK(error.find("pa") == std::string::npos);
  CHECK(error ==
        "invalid database URL 'postgresql://u:***@h/d': the port is not a number from 1 to 65535");
}

TEST_CASE("malformed postgresql URLs are one-line usage errors without the password", "[url]") {
  struct Case {
    std::string url;
    std::string error;
  };
  const Case cases[] = {
      {"postgresql://u:secret@h:99999/d",
       "invalid database URL 'postgresql://u:***@h:99999/d': the port is not a number from 1 to "
       "65535"},
      {"postgresql://u:secret@h:/d",
       "invalid database URL 'postgresql://u:***@h:/d': the port is not a number from 1 to 65535"},
      {"postgresql://u:sec%zzret@h/d",
       "invalid database URL 'postgresql://u:***@h/d': bad percent-encoding in the password"},
      {"postgresql://u:secret@h/d%00x",
       "invalid database URL 'postgresql://u:***@h/d%00x': the database name contains a NUL byte"},
      {"postgresql://u:secret@[::1/d",
       "invalid database URL 'postgresql://u:***@[::1/d': unterminated IPv6 address (missing ']')"},
      {"postgresql://u:secret@h1,h2/d",
       "invalid database URL 'postgresql://u:***@h1,h2/d': multiple hosts are not supported"},
      {"postgresql://u:secret@h/d?sslmode",
       "invalid database URL 'postgresql://u:***@h/d?sslmode': parameter 'sslmode' has no value "
       "(write sslmode=VALUE)"},
      {"postgresql://u:secret@h/d?SSL-Mode=x",
       "invalid database URL 'postgresql://u:***@h/d?SSL-Mode=x': 'SSL-Mode' is not a libpq "
       "parameter name"},
      {"postgresql://u:secret@h:5432/d?port=1",
       "invalid database URL 'postgresql://u:***@h:5432/d?port=1': parameter 'port' is given "
       "twice"},
      {"postgresql://u:secret@h/d?password=other",
       "invalid database URL 'postgresql://u:***@h/d?password=***': parameter 'password' is given "
       "twice"},
      {"postgresql://u:secret@h/d#frag",
       "invalid database URL 'postgresql://u:***@h/d#frag': a URL fragment ('#') is not allowed"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    const std::string error = url_error(c.url);
    CHECK(error == c.error);
    CHECK(error.find("secret") == std::string::npos);
  }
}

TEST_CASE("unknown schemes are rejected, redacting any password", "[url]") {
  CHECK(url_error("mysql://root:hunter2@db/app") ==
        "unsupported database URL 'mysql://root:***@db/app': expected sqlite:PATH or "
        "postgresql://user@host/dbname");
  CHECK(url_error("addrmig.db") ==
        "unsupported database URL 'addrmig.db': expected sqlite:PATH or "
        "postgresql://user@host/dbname");
  CHECK(url_error("") == "empty database URL");
  CHECK(url_error("bad\nscheme") ==
        "unsupported database URL 'bad\\x0ascheme': expected sqlite:PATH or "
        "postgresql://user@host/dbname");
}

TEST_CASE("the URL comes from --database, then ADDRMIG_DATABASE_URL, then the config", "[url]") {
  const std::optional<std::string> flag = "sqlite:flag.db";
  const std::optional<std::string> config = "sqlite:config.db";
  {
    ScopedUrlEnv env("sqlite:env.db");
    CHECK(choose_database_url(flag, config) == flag);
    CHECK(choose_database_url(std::nullopt, config) == "sqlite:env.db");
    CHECK(choose_database_url(std::nullopt, std::nullopt) == "sqlite:env.db");
  }
  {
    ScopedUrlEnv env("");  // exported but empty counts as unset
    CHECK(choose_database_url(std::nullopt, config) == config);
  }
  {
    ScopedUrlEnv env(nullptr);
    CHECK(choose_database_url(std::nullopt, config) == config);
    CHECK(choose_database_url(std::nullopt, std::nullopt) == std::nullopt);
  }
}

TEST_CASE("redact masks every occurrence of a secret and nothing when there is none", "[url]") {
  CHECK(redact("password authentication failed: s3 and s3", "s3") ==
        "password authentication failed: *** and ***");
  CHECK(redact("no secret here", "") == "no secret here");
  CHECK(redact("aaaa", "aa") == "******");
}

TEST_CASE("every parameter libpq marks secret is redacted, in any letter case", "[url]") {
  // libpq's own list: PQconndefaults() shows a secret with dispchar "*".
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconndefaults(), &PQconninfoFree);
  REQUIRE(options);
  int secrets = 0;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    const std::string keyword = o->keyword;
    const bool secret = o->dispchar && std::string(o->dispchar).find('*') != std::string::npos;
    INFO(keyword);
    CHECK(addrmig::is_secret_parameter(keyword) == secret);
    if (!secret) continue;
    ++secrets;
    std::string upper = keyword;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(addrmig::is_secret_parameter(upper));
    const DatabaseUrl url = parse_database_url("postgresql://u@h/db?" + keyword + "=top%20secret");
    CHECK(url.redacted.find("top") == std::string::npos);
    CHECK(url.secrets == std::vector<std::string>{"top secret"});
    CHECK(redact("libpq said: top secret", url.secrets) == "libpq said: ***");
    for (const std::string& name : {keyword, upper})
      CHECK(url_error("postgresql://u@h/db?" + name + "=top-secret&port=1,2&oops").find("top-secret") ==
            std::string::npos);
  }
  CHECK(secrets >= 2);  // password, sslpassword
}
