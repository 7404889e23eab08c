// Colour only on a terminal: never in pipes (CI logs, files), never with
// NO_COLOR. The terminal case runs the binary under script(1), which gives it
// a pseudo-terminal.

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

TEST_CASE("plan output is coloured only on a terminal without NO_COLOR", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_example_config(db);
  CliResult piped = cli(config, {"plan"});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out.find("\033[") == std::string::npos);
  CHECK(piped.err.find("\033[") == std::string::npos);

  const std::string command = std::string(ADDRMIG_BINARY) + " -c " + config.string() + " plan";
  const std::string on_terminal = run_on_pty("env -u NO_COLOR TERM=xterm " + command);
  CHECK(on_terminal.find("\033[32m+ customer -> customer_address: create") != std::string::npos);
  const std::string no_color = run_on_pty("env NO_COLOR=1 TERM=xterm " + command);
  CHECK(no_color.find("+ customer -> customer_address: create") != std::string::npos);
  CHECK(no_color.find("\033[") == std::string::npos);
}
