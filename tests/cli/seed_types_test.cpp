// Seeds of every portable type at their edges, on both dialects: stored as
// configured, found again by the next seed (nothing inserted twice) and by
// verify (issue #14, items 7 and 9). TOML inline tables are one line each.

#include "tests/cli/cli_helpers.h"

namespace addrmig::test {
namespace {

constexpr const char* kEveryType = R"toml(
[related]
columns = [
  { name = "t", type = "text" },
  { name = "vc", type = "varchar(4)", nullable = true },
  { name = "i", type = "integer", nullable = true },
  { name = "bi", type = "bigint", nullable = true },
  { name = "b", type = "boolean", nullable = true },
  { name = "r", type = "real", nullable = true },
  { name = "d", type = "double", nullable = true },
  { name = "n", type = "numeric(12,4)", nullable = true },
  { name = "day", type = "date", nullable = true },
  { name = "ts", type = "timestamp", nullable = true },
  { name = "u", type = "uuid", nullable = true },
]

[[parents]]
table = "holder"
columns = [ { name = "name", type = "text" } ]

[[seed]]
parent = "holder"
values = { name = "edges" }
addresses = [
  { t = "min", vc = "äöüß", i = -2147483648, bi = -9223372036854775808, b = false, r = -3.4e38, d = -1.7976931348623157e308, n = -99999999.9999, day = 0001-01-01, ts = 0001-01-01T00:00:00, u = "00000000-0000-0000-0000-000000000000" },
  { t = "max", vc = "", i = 2147483647, bi = 9223372036854775807, b = true, r = 0.1, d = 0.30000000000000004, n = "99999999.9999", day = 9999-12-31, ts = "9999-12-31 23:59:59.999999", u = "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF" },
  { t = "mid", n = 1.5, day = "2024-02-29", ts = 2024-02-29T12:00:00.5, d = 5e-324, r = 1e-30 },
  { t = "mid", n = 1.5, day = "2024-02-29", ts = 2024-02-29T12:00:00.5, d = 5e-324, r = 1e-30 },
  { t = "only text" },
  { t = "" },
  { t = "line\nbreak\ttab 'quote' \"dq\" \\ 東京 😀" },
]
)toml";

void every_type_round_trips(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, kEveryType);
  CliResult run = cli(config, {"run"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(db.count("SELECT count(*) FROM holder_address") == 7);
  CliResult again = cli(config, {"seed"});
  CHECK(again.out.find("inserted 0 parent rows and 0 address rows") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM holder_address") == 7);
  CliResult verify = cli(config, {"verify"});
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  // Stored exactly as configured, not a neighbour.
  CHECK(db.query("SELECT CAST(n AS TEXT) FROM holder_address WHERE t = 'max'").at(0).find("99999999.9999") == 0);
  CHECK(db.query("SELECT CAST(ts AS TEXT) FROM holder_address WHERE t = 'max'").at(0).find("9999-12-31") == 0);
  CHECK(db.count("SELECT count(*) FROM holder_address WHERE bi = 9223372036854775807") == 1);

  // A changed value is a mismatch, and seed inserts the missing row once.
  db.exec("UPDATE holder_address SET n = 1.25 WHERE t = 'min'");
  CliResult changed = cli(config, {"verify"});
  CHECK(changed.exit_code == 2);
  CHECK(changed.out.find("expected 1 address(es) t='min'") != std::string::npos);
  CHECK(cli(config, {"seed"}).out.find("0 parent rows and 1 address row\n") != std::string::npos);
  CHECK(cli(config, {"seed"}).out.find("0 parent rows and 0 address rows") != std::string::npos);
}
DIALECT_TEST("seeds of every type at their edges are stored as configured and found again",
             every_type_round_trips)

}  // namespace
}  // namespace addrmig::test
