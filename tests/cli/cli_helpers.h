#pragma once
// Shared pieces of the CLI tests: a config written next to a fresh database,
// and running one test body on both dialects (one suite, like SOCI's
// tests/common).

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/support/cli.h"
#include "tests/support/test_database.h"

namespace addrmig::test {

// configs/example.toml with its [database] url pointed at `db`.
inline std::filesystem::path write_example_config(const TestDatabase& db,
                                                  const std::string& name = "addrmig.toml") {
  std::string text = read_file(source_dir() / "configs" / "example.toml");
  text = std::regex_replace(text, std::regex(R"(url = "[^"]*")"), "url = \"" + db.url() + "\"");
  const auto path = db.dir() / name;
  write_file(path, text);
  return path;
}

// A config file with `body` (TOML) and [database] url pointed at `db`.
inline std::filesystem::path write_config(const TestDatabase& db, const std::string& body,
                                          const std::string& name = "addrmig.toml") {
  const auto path = db.dir() / name;
  write_file(path, "[database]\nurl = \"" + db.url() + "\"\n\n" + body);
  return path;
}

inline CliResult cli(const std::filesystem::path& config, std::vector<std::string> args) {
  args.insert(args.begin(), {"-c", config.string()});
  return run_addrmig(args);
}

// Runs a shell command under script(1), which gives it a pseudo-terminal;
// returns everything it wrote there (stdout and stderr together).
// `exit_code`, when given, receives the command's exit status (script -e
// passes it through).
inline std::string run_on_pty(const std::string& command, int* exit_code = nullptr) {
  std::string output;
  FILE* pipe = popen(("script -qec '" + command + "' /dev/null").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

inline int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace addrmig::test

// One body, two registered test cases: "<name> [sqlite]" and "<name> [postgres]".
#define ADDRMIG_CONCAT_(a, b) a##b
#define ADDRMIG_CONCAT(a, b) ADDRMIG_CONCAT_(a, b)
#define DIALECT_TEST(name, fn)                                                    \
  TEST_CASE(name " (sqlite)", "[sqlite]") { fn(::addrmig::Dialect::Sqlite); }     \
  TEST_CASE(name " (postgres)", "[postgres]") { fn(::addrmig::Dialect::Postgres); }
// The same, and the PostgreSQL case also runs through PgBouncer in
// transaction pooling mode ([pooled]; tests/CMakeLists.txt).
#define POOLED_DIALECT_TEST(name, fn)                                             \
  TEST_CASE(name " (sqlite)", "[sqlite]") { fn(::addrmig::Dialect::Sqlite); }     \
  TEST_CASE(name " (postgres)", "[postgres][pooled]") { fn(::addrmig::Dialect::Postgres); }
