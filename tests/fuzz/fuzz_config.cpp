// libFuzzer target for everything addrmig reads from untrusted text before it
// touches a database: the TOML config and the database URL.
//
// Each input is tried three ways: as a config file, as a database URL, and as
// the tail of a PostgreSQL URL whose password is a known marker. Besides "no
// crash, no sanitizer report, no exception other than addrmig::Error", the
// target holds the code to the contract of SPEC.md:
//   - every error is one line without control characters;
//   - a config error starts with "fuzz.toml:";
//   - a password is never printed: not in an error, not in the redacted URL.
// A broken contract aborts, so libFuzzer keeps the input as a crash and the
// corpus replay test (replay_main.cpp) fails.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/config.h"
#include "lib/database_url.h"
#include "lib/errors.h"

namespace {

constexpr std::string_view kConfigPath = "fuzz.toml";
// A password no parser would make up. Seeds put it in [database] url so that
// mutations keep it around.
constexpr std::string_view kSecret = "Fz9-s3cret-pw";
constexpr std::string_view kSecretUrlPrefix = "postgresql://fuzzuser:Fz9-s3cret-pw@";
static_assert(kSecretUrlPrefix.find(kSecret) != std::string_view::npos);

[[noreturn]] void contract_broken(std::string_view contract, std::string_view detail) {
  std::fprintf(stderr, "fuzz contract broken: %.*s\n  got: %.*s\n",
               static_cast<int>(contract.size()), contract.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::size_t count_of(std::string_view text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

// SPEC.md: "Every error is one clear line on stderr". A control character
// breaks the line (CR, LF) or the terminal (ESC sequences): messages that
// quote input must escape them.
void expect_one_line(std::string_view message) {
  if (message.empty()) contract_broken("an error message is not empty", message);
  if (std::any_of(message.begin(), message.end(), is_control))
    contract_broken("an error message is one line without control characters", message);
}

void expect_no_secret(std::string_view text) {
  if (contains(text, kSecret)) contract_broken("the password is never printed", text);
}

// "fuzz.toml:LINE: ..." or, for a problem of the whole file such as "no
// [[parents]]", "fuzz.toml: ..." (ConfigError without a line).
void expect_located(const addrmig::ConfigError& error) {
  const std::string_view message = error.what();
  expect_one_line(message);
  if (!message.starts_with(std::string(kConfigPath) + ":"))
    contract_broken("a config error starts with the file name", message);
  if (error.line() < 0) contract_broken("a config error's line is not negative", message);
}

// The secret check on configs applies only when the marker sits, once, as the
// password of the url key: anywhere else (a table name, say) an error may
// rightly quote it.
bool holds_secret_url(std::string_view text) {
  return count_of(text, kSecret) == 1 &&
         contains(text, std::string("url = \"") + std::string(kSecretUrlPrefix));
}

void check_config_errors_of(const auto& action, std::string_view text) {
  try {
    action();
  } catch (const addrmig::ConfigError& error) {
    expect_located(error);
    if (holds_secret_url(text)) expect_no_secret(error.what());
  } catch (const addrmig::Error& error) {
    contract_broken("config loading throws ConfigError only", error.what());
  }
}

void fuzz_config_text(std::string_view text) {
  const std::string path(kConfigPath);
  check_config_errors_of(
      [&] {
        const addrmig::Config config = addrmig::parse_config(text, path);
        for (const auto dialect : {addrmig::Dialect::Sqlite, addrmig::Dialect::Postgres})
          check_config_errors_of([&] { addrmig::check_identifier_limits(config, dialect); }, text);
        // A config that loaded has a URL the URL parser takes as well.
        if (config.database_url) {
          try {
            const auto url = addrmig::parse_database_url(*config.database_url);
            if (holds_secret_url(text)) expect_no_secret(url.redacted);
          } catch (const addrmig::Error& error) {
            contract_broken("the URL of a loaded config parses", error.what());
          }
        }
      },
      text);
}

void fuzz_url_text(std::string_view text) {
  try {
    addrmig::parse_database_url(text);
  } catch (const addrmig::Error& error) {
    expect_one_line(error.what());
  }
}

// What follows the user information of `text` when it is a URL, else all of
// it: "postgres://u:p@h/db" -> "h/db".
std::string_view after_user_info(std::string_view text) {
  if (const auto scheme_end = text.find("://"); scheme_end != std::string_view::npos)
    text.remove_prefix(scheme_end + 3);
  const auto at = text.find('@');
  if (at != std::string_view::npos && at < text.find('/')) text.remove_prefix(at + 1);
  return text;
}

// The input as host, port, database and parameters behind a known password:
// whether the URL parses or not, the password must not come back.
void fuzz_url_secret(std::string_view text) {
  const std::string_view tail = after_user_info(text);
  if (contains(tail, kSecret)) return;
  const std::string url = std::string(kSecretUrlPrefix) + std::string(tail);
  try {
    const auto parsed = addrmig::parse_database_url(url);
    expect_no_secret(parsed.redacted);
  } catch (const addrmig::Error& error) {
    expect_one_line(error.what());
    expect_no_secret(error.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The parsers take string_view, so embedded NULs and invalid UTF-8 are fair game.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_config_text(text);
  fuzz_url_text(text);
  fuzz_url_secret(text);
  return 0;
}
