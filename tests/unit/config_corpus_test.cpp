// The config corpus in tests/configs/.
//
//  - bad/NN-name.toml: a malformed config. Its sidecar bad/NN-name.expected
//    holds the one error line addrmig must print for it, with the config's
//    path written as the placeholder `<file>` (so the expectation does not
//    depend on where the source tree lives). Example:
//        <file>:3: unknown key 'colums' in [[parents]]
//  - good/*.toml: configs that must load without error.
//
// Each file is loaded the way the CLI does before it touches a database:
// load_config, then, when the config names a URL, parse it for the dialect
// and check_identifier_limits. To add a case, add the two files; no code.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/database_url.h"
#include "lib/errors.h"
#include "tests/support/cli.h"

namespace fs = std::filesystem;
using namespace addrmig;

namespace {

constexpr std::size_t kMinimumBadConfigs = 45;

fs::path corpus_dir() { return test::source_dir() / "tests" / "configs"; }

std::vector<fs::path> toml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// What the CLI does with a config before it connects anywhere.
void load_like_the_cli(const std::string& path) {
  const Config config = load_config(path);
  if (config.database_url)
    check_identifier_limits(config, parse_database_url(*config.database_url).dialect);
}

// The error line for `path`, with the path itself replaced by `<file>`.
std::string error_for(const fs::path& path) {
  try {
    load_like_the_cli(path.string());
  } catch (const Error& e) {
    std::string message = e.what();
    if (const std::size_t at = message.find(path.string()); at != std::string::npos)
      message.replace(at, path.string().size(), "<file>");
    return message;
  }
  return "(no error)";
}

std::string expected_for(const fs::path& toml) {
  fs::path sidecar = toml;
  sidecar.replace_extension(".expected");
  REQUIRE(fs::exists(sidecar));
  std::string expected = test::read_file(sidecar);
  if (!expected.empty() && expected.back() == '\n') expected.pop_back();
  return expected;
}

}  // namespace

TEST_CASE("every malformed config in the corpus fails with its expected line", "[config][corpus]") {
  const std::vector<fs::path> bad = toml_files(corpus_dir() / "bad");
  CHECK(bad.size() >= kMinimumBadConfigs);
  for (const fs::path& path : bad) {
    INFO(path.filename().string());
    const std::string expected = expected_for(path);
    CHECK(expected.find('\n') == std::string::npos);  // one line
    CHECK(error_for(path) == expected);
  }
}

TEST_CASE("no error in the corpus shows a password", "[config][corpus]") {
  for (const fs::path& path : toml_files(corpus_dir() / "bad")) {
    INFO(path.filename().string());
    const std::string error = error_for(path);
    for (const char* secret : {"hunter2", "s3cret", "pa%zzss"})
      CHECK(error.find(secret) == std::string::npos);
  }
}

TEST_CASE("every sidecar belongs to a config", "[config][corpus]") {
  for (const fs::directory_entry& entry : fs::directory_iterator(corpus_dir() / "bad")) {
    INFO(entry.path().filename().string());
    CHECK((entry.path().extension() == ".toml" || entry.path().extension() == ".expected"));
    if (entry.path().extension() == ".expected") {
      fs::path toml = entry.path();
      CHECK(fs::exists(toml.replace_extension(".toml")));
    }
  }
}

TEST_CASE("the good configs of the corpus and the examples load", "[config][corpus]") {
  std::vector<fs::path> good = toml_files(corpus_dir() / "good");
  CHECK(good.size() >= 5);
  for (const char* example : {"example.toml", "example-postgres.toml"})
    good.push_back(test::source_dir() / "configs" / example);
  for (const fs::path& path : good) {
    INFO(path.filename().string());
    CHECK(error_for(path) == "(no error)");
  }
}
