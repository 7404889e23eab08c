#include "tests/support/golden.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "tests/support/cli.h"

namespace addrmig::test {

void check_golden(const std::filesystem::path& relative, const std::string& actual) {
  const std::filesystem::path file = source_dir() / "tests" / "golden" / relative;
  const char* update = std::getenv("ADDRMIG_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write_file(file, actual);
    return;
  }
  std::ifstream in(file, std::ios::binary);
  INFO("golden file " << file.string() << " (regenerate with ADDRMIG_UPDATE_GOLDEN=1)");
  REQUIRE(in.good());
  const std::string expected{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  CHECK(actual == expected);
}

std::string golden_script(const std::vector<Statement>& statements) {
  std::string out;
  for (const Statement& statement : statements) {
    if (!out.empty()) out += "\n";
    if (!statement.comment.empty()) out += "-- " + statement.comment + "\n";
    out += statement.sql + ";\n";
  }
  return out;
}

}  // namespace addrmig::test
