// Config loading: what a valid config becomes, and the exact one-line error
// (file:line: message) for each kind of mistake (ninja's manifest_parser_test).
// The malformed-config corpus in tests/configs/ is run by config_corpus_test.cpp.

#include "lib/config.h"

#include <catch2/catch.hpp>
#include <string>

#include "lib/errors.h"
#include "tests/support/cli.h"

using namespace addrmig;

namespace {

// The error parse_config reports for `text`, or "(no error)".
std::string config_error(const std::string& text) {
  try {
    parse_config(text, "bad.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string limits_error(const std::string& text, Dialect dialect) {
  const Config config = parse_config(text, "long.toml");
  try {
    check_identifier_limits(config, dialect);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> column_names(const Row& row) {
  std::vector<std::string> names;
  for (const FieldValue& field : row) names.push_back(field.column);
  return names;
}

const std::string kMinimal = "[[parents]]\ntable = \"customer\"\n";

}  // namespace

TEST_CASE("the example configs load with every key", "[config]") {
  const Config config = load_config((test::source_dir() / "configs" / "example.toml").string());
  CHECK(config.database_url == "sqlite:addrmig-demo.db");
  CHECK(config.database_url_line == 6);
  CHECK(config.related.name == "address");
  CHECK(config.related.foreign_key == "parent_id");
  CHECK(config.related.on_delete == OnDelete::Cascade);
  REQUIRE(config.related.columns.size() == 3);
  CHECK(config.related.columns[0].name == "street");
  CHECK(config.related.columns[0].type == "text");
  CHECK_FALSE(config.related.columns[0].nullable);
  CHECK(config.related.columns[2].line == 15);
  REQUIRE(config.parents.size() == 2);
  CHECK(config.parents[0].table == "customer");
  CHECK(config.parents[0].line == 19);
  CHECK(config.parents[1].columns.at(0).name == "company_name");
  CHECK(config.address_table_name(config.parents[1]) == "supplier_address");
  REQUIRE(config.seeds.size() == 2);
  CHECK(config.seeds[0].parent == "customer");
  CHECK(config.seeds[0].values == Row{{"name", std::string("customer 1")}});
  REQUIRE(config.seeds[0].addresses.size() == 2);
  // Source order, not toml++'s alphabetical order (city, street, zip).
  CHECK(column_names(config.seeds[0].addresses[1]) ==
        std::vector<std::string>{"street", "city", "zip"});
  CHECK(config.seeds[0].addresses[1][1].value == Value(std::string("San Francisco")));
  CHECK(config.seeds[0].address_lines == std::vector<int>{30, 31});
  CHECK(config.seeds[1].addresses.size() == 1);
  CHECK(config.checksum.size() == 64);
  CHECK_NOTHROW(check_identifier_limits(config, Dialect::Sqlite));

  const Config postgres =
      load_config((test::source_dir() / "configs" / "example-postgres.toml").string());
  CHECK(postgres.database_url == "postgresql://postgres@127.0.0.1:5432/addrmig");
  CHECK(postgres.parents.size() == 2);
  CHECK_NOTHROW(check_identifier_limits(postgres, Dialect::Postgres));
}

TEST_CASE("a minimal config gets the documented defaults", "[config]") {
  const Config config = parse_config(kMinimal, "min.toml");
  CHECK(config.path == "min.toml");
  CHECK_FALSE(config.database_url);
  CHECK(config.connect_timeout_seconds == 10);
  CHECK_FALSE(config.lock_timeout_seconds);
  CHECK(config.related.name == "address");
  CHECK(config.related.foreign_key == "parent_id");
  CHECK(config.related.on_delete == OnDelete::Cascade);
  CHECK(config.related.columns.empty());
  CHECK(config.parents.at(0).schema.empty());
  CHECK_FALSE(config.parents.at(0).key);
  CHECK(config.seeds.empty());
  CHECK(config.checksum == "af5470aeb6144a0ffbe085ed5f5bd63ff41a64299faf6c9fd7bbef34629a4090");
  CHECK(config.find_parent("customer") == &config.parents[0]);
  CHECK(config.find_parent("Customer") == nullptr);
}

TEST_CASE("optional keys: timeouts, schema, key, nullable, defaults, typed seed values",
          "[config]") {
  const Config config = parse_config(R"toml([database]
url = "postgresql://app:secret@db:5433/shop"
connect_timeout = 3

[apply]
lock_timeout = 5

[related]
name = "addr"
foreign_key = "owner_id"
on_delete = "No Action"
columns = [
  { name = "line1", type = "VarChar( 80 )" },
  { name = "floor", type = "integer", nullable = true },
  { name = "verified", type = "boolean", default = false },
  { name = "lat", type = "double", default = 1 },
]

[[parents]]
table = "order"
schema = "sales"
key = "order_no"

[[seed]]
parent = "order"
values = { total = 12.5, paid = true, note = "it's", qty = 3 }
addresses = [ { line1 = "x", lat = 2.25 } ]
)toml",
                                     "opt.toml");
  CHECK(config.connect_timeout_seconds == 3);
  CHECK(config.connect_timeout_line == 3);
  CHECK(config.lock_timeout_seconds == 5);
  CHECK(config.lock_timeout_line == 6);
  CHECK(config.related.name == "addr");
  CHECK(config.related.name_line == 9);
  CHECK(config.related.on_delete == OnDelete::NoAction);
  CHECK(config.related.on_delete_line == 11);
  CHECK(config.related.columns[0].type == "varchar(80)");
  CHECK(config.related.columns[1].nullable);
  CHECK(config.related.columns[2].default_value == Value(false));
  CHECK(config.related.columns[3].default_value == Value(std::int64_t{1}));
  const ParentSpec& parent = config.parents.at(0);
  CHECK(parent.schema == "sales");
  CHECK(parent.schema_line == 21);
  CHECK(parent.key == "order_no");
  CHECK(parent.key_line == 22);
  CHECK(config.address_table_name(parent) == "order_addr");
  const SeedSpec& seed = config.seeds.at(0);
  CHECK(seed.line == 25);
  CHECK(seed.values_line == 26);
  CHECK(seed.values == Row{{"total", 12.5},
                           {"paid", true},
                           {"note", std::string("it's")},
                           {"qty", std::int64_t{3}}});
  CHECK(seed.addresses.at(0) == Row{{"line1", std::string("x")}, {"lat", 2.25}});
}

TEST_CASE("hostile identifiers are data: any name without control characters loads", "[config]") {
  const Config config = parse_config(R"toml([related]
name = "adr\"ess; DROP TABLE x; --"
foreign_key = "Parent Id"
columns = [ { name = "straße", type = "text" }, { name = "select", type = "text" } ]

[[parents]]
table = "user"

[[parents]]
table = "O'Reilly \"Books\""
columns = [ { name = "名前", type = "text" } ]

[[seed]]
parent = "O'Reilly \"Books\""
values = { "名前" = "本; --" }
addresses = [ { "straße" = "Bahnhofstraße 1", select = "'; DELETE" } ]
)toml",
                                     "hostile.toml");
  CHECK(config.address_table_name(config.parents[0]) == "user_adr\"ess; DROP TABLE x; --");
  CHECK(config.parents[1].table == "O'Reilly \"Books\"");
  CHECK(config.seeds[0].values == Row{{"名前", std::string("本; --")}});
}

TEST_CASE("value_display quotes text and prints numbers and booleans bare", "[config]") {
  CHECK(value_display(std::string("customer 1")) == "'customer 1'");
  CHECK(value_display(std::string("it's a \\ \n")) == "'it\\'s a \\\\ \\n'");
  CHECK(value_display(std::string("\x01")) == "'\\x01'");
  CHECK(value_display(std::string("Straße")) == "'Straße'");
  CHECK(value_display(std::int64_t{-42}) == "-42");
  CHECK(value_display(0.1) == "0.1");
  CHECK(value_display(1.0) == "1.0");
  CHECK(value_display(1e300) == "1e+300");
  CHECK(value_display(true) == "true");
  CHECK(value_display(false) == "false");
}

TEST_CASE("config errors are one line with file and line", "[config]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"[[parents]]\ntable = \n",
       "bad.toml:2: TOML syntax error: Error while parsing key-value pair: expected value, saw "
       "'\\n'"},
      {"[[parents]]\ntable = \"a\"\ncolums = []\n",
       "bad.toml:3: unknown key 'colums' in [[parents]]"},
      {"[database]\nurl = \"sqlite:x\"\n[[parents]]\ntable = \"a\"\n[extra]\n",
       "bad.toml:5: unknown key 'extra' at the top level"},
      {"[[parents]]\ntable = \"a\"\ncolumns = [ { name = \"n\", type = 3 } ]\n",
       "bad.toml:3: 'type' must be a string, not an integer"},
      {"[[parents]]\ntable = \"a\"\ncolumns = [ { name = \"n\", type = \"strnig\" } ]\n",
       "bad.toml:3: unknown column type 'strnig' (expected text, varchar(N), integer, bigint, "
       "boolean, real, double, "
       "numeric(P,S), date, timestamp or uuid)"},
      {"[[parents]]\ntable = \"customer\"\n\n[[parents]]\ntable = \"customer\"\n",
       "bad.toml:5: duplicate parent 'customer' (first at line 2)"},
      {"[[parents]]\ntable = \"\"\n", "bad.toml:2: empty name: 'table' must not be empty"},
      {"[[parents]]\ntable = \"a\\nb\"\n",
       "bad.toml:2: 'table' contains a control character: 'a\\x0ab'"},
      {"[[parents]]\ntable = \"a\\u0000b\"\n",
       "bad.toml:2: 'table' contains a control character: 'a\\x00b'"},
      {kMinimal + "[[seed]]\nparent = \"custmer\"\nvalues = { name = \"x\" }\n",
       "bad.toml:4: seed names unknown parent 'custmer'"},
      {"[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n"
       "[[seed]]\nparent = \"customer\"\nvalues = { nmae = \"x\" }\n",
       "bad.toml:6: seed value names unknown column 'nmae' of parent 'customer'"},
      {"[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n" + kMinimal +
           "[[seed]]\nparent = \"customer\"\nvalues = { name = \"x\" }\naddresses = [ { stret = "
           "\"y\" } ]\n",
       "bad.toml:8: seed address names unknown column 'stret' of [related]"},
      {"[related]\ncolumns = [ { name = \"street\", type = \"text\" }, { name = \"zip\", type = "
       "\"text\" } ]\n" +
           kMinimal +
           "[[seed]]\nparent = \"customer\"\nvalues = { name = \"x\" }\naddresses = [ { street = "
           "\"y\" } ]\n",
       "bad.toml:8: seed address lacks NOT NULL column 'zip' of [related]"},
      {"[related]\non_delete = \"set null\"\n" + kMinimal,
       "bad.toml:2: on_delete = \"set null\" contradicts the NOT NULL foreign key column "
       "'parent_id'"},
      {"[related]\non_delete = \"explode\"\n" + kMinimal,
       "bad.toml:2: unknown on_delete 'explode' (expected cascade, restrict, set null or no "
       "action)"},
      {"[related]\ncolumns = [ { name = \"parent_id\", type = \"integer\" } ]\n" + kMinimal,
       "bad.toml:2: column 'parent_id' in [related] clashes with the foreign key column"},
      {"[related]\ncolumns = [ { name = \"id\", type = \"integer\" } ]\n" + kMinimal,
       "bad.toml:2: column 'id' in [related] clashes with the generated primary key 'id'"},
      {"[related]\ncolumns = [\n  { name = \"a\", type = \"text\" },\n  { name = \"a\", type = "
       "\"integer\" },\n]\n" +
           kMinimal,
       "bad.toml:4: duplicate column 'a' in [related] (first at line 3)"},
      {"[related]\nforeign_key = \"id\"\n" + kMinimal,
       "bad.toml:2: foreign_key 'id' clashes with the address table's own primary key 'id'"},
      {"[database]\nurl = \"mysql://root:hunter2@db/app\"\n" + kMinimal,
       "bad.toml:2: unsupported database URL 'mysql://root:***@db/app': expected sqlite:PATH or "
       "postgresql://user@host/dbname"},
      {"[database]\nconnect_timeout = 0\n" + kMinimal,
       "bad.toml:2: 'connect_timeout' must be a whole number of seconds from 1 to 86400"},
      {"[apply]\nlock_timeout = \"60\"\n" + kMinimal,
       "bad.toml:2: 'lock_timeout' must be a whole number of seconds from 0 to 86400"},
      {"[database]\nurl = \"sqlite:x\"\n",
       "bad.toml: no [[parents]]: the config must name at least one parent table"},
      {"parents = []\n",
       "bad.toml:1: no [[parents]]: the config must name at least one parent table"},
      {"[parents]\ntable = \"a\"\n",
       "bad.toml:1: [[parents]] must be an array of tables, not a table"},
      {"[[parents]]\nschema = \"s\"\n", "bad.toml:1: missing key 'table' in [[parents]]"},
      {kMinimal + "[[seed]]\nparent = \"customer\"\nvalues = {}\n",
       "bad.toml:5: seed 'values' is empty: it needs at least one column to find the parent row "
       "by"},
      {kMinimal + "[[seed]]\nparent = \"customer\"\nvalues = { x = nan }\n",
       "bad.toml:5: seed value 'x' must be a finite number"},
      {kMinimal + "[[seed]]\nparent = \"customer\"\nvalues = { at = [1979-05-27] }\n",
       "bad.toml:5: seed value 'at' must be a string, integer, float, boolean, date or time, not an array"},
      {kMinimal + "[[seed]]\nparent = \"customer\"\nvalues = { n = 1 }\n[[seed]]\nparent = "
                  "\"customer\"\nvalues = { n = 1 }\n",
       "bad.toml:7: duplicate seed for parent 'customer' with the same values (first at line 4)"},
      {"[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"age\", type = \"integer\" } ]\n"
       "[[seed]]\nparent = \"customer\"\nvalues = { age = \"ten\" }\n",
       "bad.toml:6: seed value for column 'age' (integer) must be an integer"},
      {"[related]\ncolumns = [ { name = \"zip\", type = \"varchar(5)\", default = \"123456\" } "
       "]\n" +
           kMinimal,
       "bad.toml:2: default of column 'zip' (varchar(5)) must be a string of at most 5 characters"},
      {"[[parents]]\ntable = \"customer\"\n[[parents]]\ntable = \"customer_address\"\n",
       "bad.toml:4: parent 'customer_address' is also the address table of parent 'customer' (line "
       "2)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(config_error(c.text) == c.error);
  }
}

TEST_CASE("a config that cannot be read is one line naming the file", "[config]") {
  const std::string missing = "/nonexistent/addrmig.toml";
  try {
    load_config(missing);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) ==
          "cannot read config '/nonexistent/addrmig.toml': No such file or directory");
    CHECK(e.file() == missing);
    CHECK(e.line() == 0);
  }
  try {
    load_config(test::source_dir().string());
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).ends_with(": Is a directory"));
  }
}

TEST_CASE("PostgreSQL names are limited to 63 bytes, counting the address suffix", "[config]") {
  const std::string name55(55, 'p');  // + "_address" = 63: fits
  const std::string name56(56, 'p');  // + "_address" = 64
  const std::string config55 = "[[parents]]\ntable = \"" + name55 + "\"\n";
  const std::string config56 = "[[parents]]\ntable = \"" + name56 + "\"\n";
  CHECK(limits_error(config55, Dialect::Postgres) == "(no error)");
  CHECK(limits_error(config56, Dialect::Postgres) ==
        "long.toml:2: address table name '" + name56 +
            "_address' is 64 bytes; PostgreSQL allows at most 63");
  CHECK(limits_error(config56, Dialect::Sqlite) == "(no error)");
  // Bytes, not characters: 32 two-byte letters are 64 bytes.
  std::string wide;
  for (int i = 0; i < 32; ++i) wide += "é";
  CHECK(limits_error(
            "[related]\ncolumns = [ { name = \"" + wide + "\", type = \"text\" } ]\n" + kMinimal,
            Dialect::Postgres) ==
        "long.toml:2: column name '" + wide + "' is 64 bytes; PostgreSQL allows at most 63");
  CHECK(limits_error("[related]\nforeign_key = \"" + std::string(64, 'f') + "\"\n" + kMinimal,
                     Dialect::Postgres) == "long.toml:2: foreign key column '" +
                                               std::string(64, 'f') +
                                               "' is 64 bytes; PostgreSQL allows at most 63");
  CHECK(limits_error(kMinimal + "schema = \"" + std::string(64, 's') + "\"\n", Dialect::Postgres) ==
        "long.toml:3: schema name '" + std::string(64, 's') +
            "' is 64 bytes; PostgreSQL allows at most 63");
}

TEST_CASE("'schema' is rejected on SQLite", "[config]") {
  CHECK(limits_error(kMinimal + "schema = \"sales\"\n", Dialect::Sqlite) ==
        "long.toml:3: 'schema' is for PostgreSQL only, but the database is SQLite");
  CHECK(limits_error(kMinimal + "schema = \"sales\"\n", Dialect::Postgres) == "(no error)");
}
