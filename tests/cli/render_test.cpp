// The markdown's Mermaid diagrams drawn for real: tests/render/render.mjs
// renders every ```mermaid block with the npm `mermaid` package in Debian's
// Chromium (headless, offline) and fails on a parse error or an entity or
// relationship label missing from the picture. Label `render` in CTest. One
// Chromium run draws all the cases (a browser start is most of the cost).

#include <cstdio>

#include "tests/cli/output_scenarios.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

std::string run(const std::string& command, int& status) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  status = pclose(pipe);
  return output;
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::string markdown_plan(const std::filesystem::path& config, int expected_exit) {
  const CliResult plan = cli(config, {"--format", "markdown", "plan"});
  INFO(plan.err);
  CHECK(plan.exit_code == expected_exit);
  return plan.out;
}

TEST_CASE("the markdown diagrams render in Chromium: example on both dialects, blocked, 200 parents, hostile names",
          "[render]") {
  TestDatabase sqlite(Dialect::Sqlite), postgres(Dialect::Postgres), blocked(Dialect::Sqlite),
      many(Dialect::Sqlite), hostile(Dialect::Sqlite);
  // Quotes, semicolons, spaces and non-ASCII in every name the diagram shows.
  const CliResult hostile_plan =
      run_addrmig({"-c", (source_dir() / "tests/configs/good/hostile-identifiers.toml").string(), "--database",
                   hostile.url(), "--format", "markdown", "plan"});
  REQUIRE(hostile_plan.exit_code == 0);
  TempDir out;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"example.sqlite.md", markdown_plan(write_example_config(sqlite), 0)},
      {"example.postgresql.md", markdown_plan(write_example_config(postgres), 0)},
      {"blocked.sqlite.md", markdown_plan(blocked_scenario(blocked), 1)},
      {"many.sqlite.md", markdown_plan(many_parents_scenario(many, 200), 0)},
      {"hostile.sqlite.md", hostile_plan.out},
  };
  std::string files;
  for (const auto& [name, markdown] : cases) {
    write_file(out.path() / name, markdown);
    files += " " + quoted(out.path() / name);
  }
  int status = 0;
  const std::string setup = run(quoted(source_dir() / "tests/render/setup.sh") + " '" ADDRMIG_RENDER_DIR "'", status);
  INFO(setup);
  REQUIRE(status == 0);
  const std::string modules = std::string(ADDRMIG_RENDER_DIR) + "/node_modules";
  const std::string rendered =
      run("node " + quoted(source_dir() / "tests/render/render.mjs") + " '" + modules + "'" + files, status);
  INFO(rendered);
  CHECK(status == 0);
  CHECK(rendered ==
        "example.sqlite.md: 1 diagram(s), 4 entities\n"
        "example.postgresql.md: 1 diagram(s), 4 entities\n"
        "blocked.sqlite.md: 1 diagram(s), 4 entities\n"
        "many.sqlite.md: 1 diagram(s), 60 entities\n"
        "hostile.sqlite.md: 1 diagram(s), 6 entities\n");
}

}  // namespace
