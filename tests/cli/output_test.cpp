// What people read, exactly: golden files of the text, JSON and markdown
// output (tests/golden/output/, ADDRMIG_UPDATE_GOLDEN=1 rewrites them), and
// the one-line errors.

#include "tests/cli/output_scenarios.h"
#include "tests/support/golden.h"

using namespace addrmig;
using namespace addrmig::test;
using nlohmann::json;

namespace {

std::filesystem::path golden(const std::string& name, Dialect dialect, const std::string& ext) {
  return std::filesystem::path("output") / (name + "." + dialect_suffix(dialect) + "." + ext);
}

CliResult ok_or_differences(const std::filesystem::path& config, std::vector<std::string> args, int code) {
  CliResult result = cli(config, std::move(args));
  INFO(result.err);
  CHECK(result.exit_code == code);
  return result;
}

void example_outputs(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  check_golden(golden("example_plan", dialect, "txt"), ok_or_differences(config, {"plan"}, 0).out);
  check_golden(golden("example_plan", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "plan"}, 0).out);
  check_golden(golden("example_audit", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "audit"}, 2).out);

  // --format json plan --sql: the plan document with the script in "script".
  const CliResult sql = ok_or_differences(config, {"plan", "--sql"}, 0);
  const CliResult with_script = ok_or_differences(config, {"--format", "json", "plan", "--sql"}, 0);
  const json doc = json::parse(with_script.out);
  CHECK(doc.at("command") == "plan");
  CHECK(doc.at("script") == sql.out);
  CHECK(doc.at("parents").size() == 2);
  CHECK(cli(config, {"--format", "markdown", "plan", "--sql"}).exit_code == 1);

  check_golden(golden("example_run", dialect, "md"),
               without_durations(ok_or_differences(config, {"--format", "markdown", "run"}, 0).out));
  check_golden(golden("example_verify", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "verify"}, 0).out);
  check_golden(golden("example_rerun", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "run"}, 0).out);
}
DIALECT_TEST("example config: plan, audit, run and verify output", example_outputs)

// One parent with twelve addresses; after the run one zip is set to NULL and
// one city to the string 'NULL', which must read differently.
void null_and_order(Dialect dialect) {
  TestDatabase db(dialect);
  std::string addresses;
  for (int i = 1; i <= 12; ++i)
    addresses += std::string(i == 1 ? "" : ",\n") + "  { street = \"street " + std::to_string(i) +
                 "\", city = \"Springfield\", zip = \"" + std::to_string(10000 + i) + "\" }";
  const auto config = write_config(db, R"([related]
columns = [
  { name = "street", type = "text" },
  { name = "city",   type = "text" },
  { name = "zip",    type = "text", nullable = true },
]

[[parents]]
table = "customer"
columns = [ { name = "name", type = "text" } ]

[[seed]]
parent = "customer"
values = { name = "Ada" }
addresses = [
)" + addresses + "\n]\n");
  check_golden(golden("one_parent_run", dialect, "txt"),
               without_durations(ok_or_differences(config, {"run"}, 0).out));
  check_golden(golden("one_parent_rerun", dialect, "txt"), ok_or_differences(config, {"run"}, 0).out);
  db.exec("UPDATE customer_address SET zip = NULL WHERE street = 'street 2'");
  db.exec("UPDATE customer_address SET city = 'NULL' WHERE street = 'street 3'");
  check_golden(golden("verify_null", dialect, "txt"), ok_or_differences(config, {"verify"}, 2).out);
  check_golden(golden("verify_null", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "verify"}, 2).out);

  const json doc = json::parse(ok_or_differences(config, {"--format", "json", "verify"}, 2).out);
  const json& addresses_read = doc.at("entries").at(0).at("addresses");
  REQUIRE(addresses_read.size() == 12);
  for (std::size_t i = 0; i < 12; ++i)  // by the key, not as text (1, 10, 11, 12, 2, ...)
    CHECK(addresses_read.at(i).at("address").at("values").at("id") == std::to_string(i + 1));
  CHECK(addresses_read.at(1).at("address").at("values").at("zip").is_null());
  CHECK(addresses_read.at(2).at("address").at("values").at("city") == "NULL");
}
DIALECT_TEST("verify shows NULL bare, orders by the key, one parent reads singular", null_and_order)

void blocked_plan(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = blocked_scenario(db);
  check_golden(golden("blocked_plan", dialect, "txt"), ok_or_differences(config, {"plan"}, 1).out);
  check_golden(golden("blocked_plan", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "plan"}, 1).out);
  check_golden(golden("blocked_audit", dialect, "txt"), ok_or_differences(config, {"audit"}, 2).out);
  check_golden(golden("blocked_audit", dialect, "json"),
               ok_or_differences(config, {"--format", "json", "audit"}, 2).out);
  const json doc = json::parse(ok_or_differences(config, {"--format", "json", "audit"}, 2).out);
  bool found = false;
  for (const json& finding : doc.at("parents").at(0).at("findings"))
    if (finding.at("kind") == "null_foreign_keys") {
      found = true;
      CHECK(finding.at("count") == 2);
      CHECK(finding.at("samples") == json::array({"3", "5"}));
    }
  CHECK(found);
  check_golden(golden("blocked_run", dialect, "md"),
               ok_or_differences(config, {"--format", "markdown", "run"}, 1).out);
}
DIALECT_TEST("a blocked plan: null FK samples, top-level extra table, markdown", blocked_plan)

TEST_CASE("200 parents: the markdown table lists all, the diagram is capped with a note", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = many_parents_scenario(db, 200);
  const std::string markdown = ok_or_differences(config, {"--format", "markdown", "plan"}, 0).out;
  check_golden("output/many_parents_plan.sqlite.md", markdown);
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = markdown.find(needle); at != std::string::npos; at = markdown.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("\n| `p") == 200);     // every parent in the table
  CHECK(count(" ||--o{ ") == 30);   // the diagram capped
  CHECK(count("\"p200\" ||--o{") == 1);  // changed parents drawn first, wherever they are
  CHECK(count("The diagram shows 30 of 200 parents") == 1);
}

// Errors: one line on stderr, nothing on stdout, exit 1.
TEST_CASE("an unknown command is named, with the nearest command", "[sqlite]") {
  const CliResult typo = run_addrmig({"aply"});
  CHECK(typo.exit_code == 1);
  CHECK(typo.out.empty());
  CHECK(typo.err == "addrmig: error: unknown command 'aply'; did you mean 'apply'?\n");
  const CliResult after_options = run_addrmig({"-c", "x.toml", "--format", "json", "-q", "verfy"});
  CHECK(after_options.err == "addrmig: error: unknown command 'verfy'; did you mean 'verify'?\n");
  const CliResult swapped = run_addrmig({"--config=x.toml", "histroy"});
  CHECK(swapped.err == "addrmig: error: unknown command 'histroy'; did you mean 'history'?\n");
  const CliResult unknown = run_addrmig({"frobnicate"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "addrmig: error: unknown command 'frobnicate' (commands: plan, apply, audit, seed, verify, run, history)\n");
  CHECK(run_addrmig({}).err.find("A subcommand is required") != std::string::npos);
  CHECK(run_addrmig({"--format", "xml", "plan"}).exit_code == 1);
}

TEST_CASE("format json: a command that fails prints one error document on stdout, the line on stderr", "[sqlite]") {
  TempDir dir;
  const CliResult r = run_addrmig({"--format", "json", "-c", (dir.path() / "missing.toml").string(), "plan"});
  CHECK(r.exit_code == 1);
  const json doc = json::parse(r.out);
  CHECK(doc["format_version"] == 1);
  CHECK(doc["command"] == "plan");
  CHECK(doc["error"]["exit"] == 1);
  CHECK(doc["error"]["message"].get<std::string>().find("missing.toml") != std::string::npos);
  CHECK(r.err == "addrmig: error: " + doc["error"]["message"].get<std::string>() + "\n");
}

TEST_CASE("format json: wrong arguments still print one error document", "[sqlite]") {
  const CliResult unknown = run_addrmig({"--format", "json", "aply"});
  CHECK(unknown.exit_code == 1);
  const json doc = json::parse(unknown.out);
  CHECK(doc["command"].is_null());
  CHECK(doc["error"]["message"] == "unknown command 'aply'; did you mean 'apply'?");
  CHECK(doc["error"]["exit"] == 1);
  const CliResult option = run_addrmig({"--format=json", "plan", "--bogus"});
  CHECK(option.exit_code == 1);
  const json plan = json::parse(option.out);
  CHECK(plan["command"] == "plan");
  CHECK(option.err == "addrmig: error: " + plan["error"]["message"].get<std::string>() + "\n");
  CHECK(run_addrmig({"--format", "text", "aply"}).out.empty());
  // A file name need not be UTF-8: the document replaces what is not.
  const CliResult bytes = run_addrmig({"--format", "json", "-c", "/nonexistent/\xff.toml", "plan"});
  CHECK(bytes.exit_code == 1);
  const std::string message = json::parse(bytes.out)["error"]["message"];
  CHECK_THAT(message, Catch::Contains("/nonexistent/\\xff.toml"));  // the byte, written out
  CHECK(bytes.err == "addrmig: error: " + message + "\n");
  CHECK(json::parse(run_addrmig({"--format", "json", "\xff"}).out)["command"].is_null());
  CHECK(run_addrmig({"--format", "markdown", "plan", "--bogus"}).out ==
        "**addrmig plan failed** (exit 1)\n\n```\nThe following argument was not expected: --bogus (see addrmig "
        "--help)\n```\n");
}

TEST_CASE("format markdown: a command that fails says so on stdout, for the job summary", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_example_config(db);
  const CliResult r = cli(config, {"--format", "markdown", "verify"});
  CHECK(r.exit_code == 1);
  CHECK(r.out ==
        "**addrmig verify failed** (exit 1)\n\n```\nverify: table customer does not exist; run `addrmig apply` first\n```\n");
  CHECK(r.err == "addrmig: error: verify: table customer does not exist; run `addrmig apply` first\n");
}

TEST_CASE("a SQLite file that does not exist: history says so, plan fails where apply could not create it", "[sqlite]") {
  TempDir dir;
  const std::string url = "sqlite:" + (dir.path() / "typo.db").string();
  const CliResult r = run_addrmig({"-c", (source_dir() / "configs" / "example.toml").string(), "--database", url, "history"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no applied plans recorded: " + url + " does not exist\n");
  const CliResult doc = run_addrmig(
      {"-c", (source_dir() / "configs" / "example.toml").string(), "--database", url, "--format", "json", "history"});
  CHECK(json::parse(doc.out)["database_exists"] == false);
  CHECK(json::parse(doc.out)["entries"].empty());
  // A file apply could not create either: plan fails as apply would.
  const std::string nowhere = "sqlite:" + (dir.path() / "no-such-dir" / "x.db").string();
  const CliResult plan = run_addrmig({"-c", (source_dir() / "configs" / "example.toml").string(), "--database", nowhere, "plan"});
  CHECK(plan.exit_code == 1);
  CHECK(plan.err == "addrmig: error: cannot open SQLite database " + nowhere + ": " + (dir.path() / "no-such-dir").string() +
                        ": no such directory\n");
  std::filesystem::create_symlink("loop", dir.path() / "loop");
  CHECK(run_addrmig({"-c", (source_dir() / "configs" / "example.toml").string(), "--database",
                     "sqlite:" + (dir.path() / "loop").string(), "plan"})
            .err.find("too many levels of symbolic links") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "typo.db"));
}

void server_error_is_one_line(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_example_config(db);
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  // A column dropped by hand: PostgreSQL's message comes with a "LINE 1: ..."
  // excerpt and a caret line, which are left out.
  db.exec("ALTER TABLE supplier_address DROP COLUMN zip");
  const CliResult verify = cli(config, {"verify"});
  CHECK(verify.exit_code == 1);
  CHECK(verify.out.empty());
  CHECK(verify.err == (dialect == Dialect::Postgres
                           ? "addrmig: error: verify: reading supplier_address: column supplier_address.zip does not exist "
                             "(SQLSTATE 42703)\n"
                           : "addrmig: error: verify: reading supplier_address: no such column: supplier_address.zip\n"));
  // A trigger that refuses: PostgreSQL adds a CONTEXT line, also left out.
  db.exec("DELETE FROM customer_address");
  if (dialect == Dialect::Postgres) {
    db.exec("CREATE FUNCTION frozen() RETURNS trigger LANGUAGE plpgsql AS "
            "$$BEGIN RAISE EXCEPTION 'addresses are frozen'; END$$");
    db.exec("CREATE TRIGGER frozen BEFORE INSERT ON customer_address FOR EACH ROW EXECUTE FUNCTION frozen()");
  } else {
    db.exec("CREATE TRIGGER frozen BEFORE INSERT ON customer_address BEGIN SELECT RAISE(ABORT, 'addresses are frozen'); END");
  }
  const CliResult seed = cli(config, {"seed"});
  CHECK(seed.exit_code == 1);
  CHECK(seed.err == (dialect == Dialect::Postgres
                         ? "addrmig: error: seed: inserting into customer_address: addresses are frozen (SQLSTATE P0001)"
                           "; rolled back: nothing was inserted\n"
                         : "addrmig: error: seed: inserting into customer_address: addresses are frozen"
                           "; rolled back: nothing was inserted\n"));
  db.exec("DROP TABLE supplier_address");
  const CliResult missing = cli(config, {"verify"});
  CHECK(missing.err ==
        "addrmig: error: verify: table supplier_address does not exist; run `addrmig apply` first\n");
  CHECK(cli(config, {"--format", "markdown", "seed"}).err ==
        "addrmig: error: --format markdown is for plan, apply, audit, verify and run, not seed; use text or json\n");
}
DIALECT_TEST("a server error is one line: what failed, the message, the SQLSTATE", server_error_is_one_line)

}  // namespace
