// The malformed-config corpus through the real binary: each config gives
// exit 1, exactly its expected line on stderr (prefixed "addrmig: error: "),
// nothing on stdout, and no database is created.

#include <algorithm>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;
namespace fs = std::filesystem;

TEST_CASE("every malformed config fails with its one line and creates no database", "[sqlite]") {
  std::vector<fs::path> configs;
  for (const auto& entry : fs::directory_iterator(source_dir() / "tests/configs/bad"))
    if (entry.path().extension() == ".toml") configs.push_back(entry.path());
  std::sort(configs.begin(), configs.end());
  REQUIRE(configs.size() >= 40);
  for (const fs::path& config : configs) {
    TempDir dir;
    const fs::path copy = dir.path() / config.filename();
    fs::copy_file(config, copy);
    std::string expected = read_file(fs::path(config).replace_extension(".expected"));
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    const std::string placeholder = "<file>";
    if (auto at = expected.find(placeholder); at != std::string::npos) expected.replace(at, placeholder.size(), copy.string());
    CliOptions options{dir.path()};  // config URLs, if any, are relative to here
    CliResult r = run_addrmig({"-c", copy.string(), "apply"}, options);
    INFO(config.filename().string() << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "addrmig: error: " + expected + "\n");
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);  // just the config
  }
}
