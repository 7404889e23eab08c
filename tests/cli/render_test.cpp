// The markdown's Mermaid diagrams drawn for real: tests/render/render.mjs
// renders every ```mermaid block with the npm `mermaid` package in Debian's
// Chromium (headless, offline) and fails on a parse error or an entity or
// relationship label missing from the picture. Label `render` in CTest.

#include <cstdio>

#include "tests/cli/output_scenarios.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

// Runs render.mjs on `markdown`; returns its one-line verdict.
std::string render(const TestDatabase& db, const std::string& markdown) {
  const std::filesystem::path modules = std::filesystem::path(ADDRMIG_RENDER_DIR) / "node_modules";
  const std::string setup = (source_dir() / "tests/render/setup.sh").string();
  REQUIRE(std::system(("'" + setup + "' '" + ADDRMIG_RENDER_DIR + "' >/dev/null").c_str()) == 0);
  const auto file = db.dir() / "out.md";
  write_file(file, markdown);
  const std::string command = "node '" + (source_dir() / "tests/render/render.mjs").string() + "' '" +
                              modules.string() + "' '" + file.string() + "' 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  INFO(output);
  CHECK(status == 0);
  return output;
}

void renders_example(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  const CliResult plan = cli(config, {"--format", "markdown", "plan"});
  REQUIRE(plan.exit_code == 0);
  CHECK(render(db, plan.out) == "rendered: 1 diagram(s), 4 entities\n");
}

TEST_CASE("the example plan's diagram renders (sqlite)", "[render]") { renders_example(Dialect::Sqlite); }
TEST_CASE("the example plan's diagram renders (postgres)", "[render-postgres]") {
  renders_example(Dialect::Postgres);
}

TEST_CASE("a blocked plan's diagram renders", "[render]") {
  TestDatabase db(Dialect::Sqlite);
  const CliResult plan = cli(blocked_scenario(db), {"--format", "markdown", "plan"});
  REQUIRE(plan.exit_code == 1);
  CHECK(render(db, plan.out) == "rendered: 1 diagram(s), 4 entities\n");
}

TEST_CASE("200 parents: the capped diagram renders", "[render]") {
  TestDatabase db(Dialect::Sqlite);
  const CliResult plan = cli(many_parents_scenario(db, 200), {"--format", "markdown", "plan"});
  REQUIRE(plan.exit_code == 0);
  CHECK(render(db, plan.out) == "rendered: 1 diagram(s), 60 entities\n");
}

}  // namespace
