// audit --junit / verify --junit produce JUnit XML that validates against the
// structure CI systems read (tests/data/junit.xsd, checked with xmllint).

#include <cstdlib>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

bool valid_junit(const std::filesystem::path& file) {
  const std::string command = "xmllint --noout --schema '" + (source_dir() / "tests/data/junit.xsd").string() +
                              "' '" + file.string() + "' 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

void junit_reports_validate(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  const auto audit_before = db.dir() / "audit-before.xml";
  CHECK(cli(config, {"audit", "--junit", audit_before.string()}).exit_code == 2);
  CHECK(valid_junit(audit_before));
  const std::string before = read_file(audit_before);
  CHECK(before.find("tests=\"2\" failures=\"2\"") != std::string::npos);
  CHECK(before.find("<testcase classname=\"addrmig.audit\" name=\"customer\">") != std::string::npos);
  CHECK(before.find("<failure type=\"parent_missing\"") != std::string::npos);

  REQUIRE(cli(config, {"run"}).exit_code == 0);
  const auto audit_after = db.dir() / "audit-after.xml";
  CHECK(cli(config, {"audit", "--junit", audit_after.string()}).exit_code == 0);
  CHECK(valid_junit(audit_after));
  CHECK(read_file(audit_after).find("failures=\"0\"") != std::string::npos);

  db.exec("UPDATE customer_address SET city = 'Boston & <Co>' WHERE city = 'New York'");
  const auto verify = db.dir() / "verify.xml";
  CHECK(cli(config, {"verify", "--junit", verify.string()}).exit_code == 2);
  CHECK(valid_junit(verify));
  const std::string text = read_file(verify);
  CHECK(text.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(text.find("<failure type=\"mismatch\"") != std::string::npos);
}
DIALECT_TEST("audit and verify write valid JUnit XML", junit_reports_validate)

}  // namespace
