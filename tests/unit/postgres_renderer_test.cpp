// PostgresRenderer: each Change against a golden SQL file under
// tests/golden/postgres_renderer/ (regenerate with ADDRMIG_UPDATE_GOLDEN=1),
// plus the type mapping and the changes it must refuse.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/errors.h"
#include "tests/support/golden.h"
#include "lib/sql.h"
#include "lib/postgres/inspector.h"
#include "lib/postgres/types.h"
#include "lib/postgres/renderer.h"

namespace addrmig {
namespace {

namespace fs = std::filesystem;

void check_golden(const std::string& name, const std::string& actual) {
  test::check_golden(fs::path("postgres_renderer") / (name + ".sql"), actual);
}

std::string render_script(const std::vector<Change>& changes) {
  PostgresRenderer renderer;
  std::vector<Statement> statements;
  for (const Change& change : changes) {
    std::vector<Statement> rendered = renderer.render(Step{change, ""});
    statements.insert(statements.end(), rendered.begin(), rendered.end());
  }
  return test::golden_script(statements);
}

Column column(std::string name, std::string portable_type, bool nullable = false,
              std::string default_sql = {}) {
  return Column{std::move(name), ColumnType::from_portable(std::move(portable_type)), nullable,
                std::move(default_sql), false};
}

Column generated_id(std::string type = "integer") {
  return Column{"id", ColumnType::from_portable(std::move(type)), false, {}, true};
}

ForeignKey parent_fk(OnDelete on_delete = OnDelete::Cascade, bool validated = true) {
  return ForeignKey{"customer_address_parent_id_fkey", {"parent_id"}, "public", "customer",
                    {"id"}, on_delete, validated};
}

Table customer() {
  Table table;
  table.ref = {"public", "customer"};
  table.columns = {generated_id(), column("name", "text")};
  table.primary_key = {"id"};
  return table;
}

Table customer_address() {
  Table table;
  table.ref = {"public", "customer_address"};
  table.columns = {generated_id(), column("street", "text"), column("city", "text"),
                   column("zip", "text"), column("parent_id", "integer")};
  table.primary_key = {"id"};
  table.foreign_keys = {parent_fk()};
  return table;
}

const TableRef kAddress{"public", "customer_address"};

}  // namespace

TEST_CASE("postgres renderer: create parent and address tables") {
  check_golden("create_tables", render_script({CreateTable{customer()}, CreateTable{customer_address()},
                                              CreateIndex{kAddress, {"customer_address_parent_id_idx",
                                                                     {"parent_id"}, false, false, ""}}}));
}

TEST_CASE("postgres renderer: create table with every portable type, defaults and a native type") {
  Table table;
  table.ref = {"inventory", "item"};
  table.columns = {generated_id("bigint"),
                   column("t", "text", true),
                   column("v", "varchar(20)", false, quote_literal("it's")),
                   column("i", "integer", false, "0"),
                   column("b", "bigint", true),
                   column("flag", "boolean", false, "false"),
                   column("r", "real", true),
                   column("d", "double", true),
                   column("price", "numeric(10,2)", false, "0.00"),
                   column("born", "date", true),
                   column("seen", "timestamp", false, "now()"),
                   column("token", "uuid", true),
                   Column{"mood", ColumnType::from_native("\"Mood Type\""), true, {}, false}};
  table.primary_key = {"id"};
  table.foreign_keys = {ForeignKey{"item_owner_fkey", {"owner_region", "owner_number"}, "billing",
                                   "account", {"region", "number"}, OnDelete::Restrict, true},
                        ForeignKey{"", {"t"}, "", "label", {}, OnDelete::NoAction, true}};
  table.columns.push_back(column("owner_region", "text", true));
  table.columns.push_back(column("owner_number", "integer", true));
  check_golden("create_table_types", render_script({CreateTable{table}}));
}

TEST_CASE("postgres renderer: hostile identifiers are quoted and comments stay on one line") {
  Table table;
  table.ref = {"Sch \"ema\"; DROP SCHEMA public --", "order"};
  table.columns = {generated_id(), column("user\"; DELETE FROM x; --", "text"),
                   column("line\nbreak", "integer")};
  table.primary_key = {"id"};
  table.foreign_keys = {ForeignKey{"fk 'named'\n\"so\"", {"line\nbreak"}, "Sch \"ema\"; DROP SCHEMA public --",
                                   "Mixed Case", {"Id"}, OnDelete::Cascade, true}};
  ForeignKey second = table.foreign_keys.front();
  second.name = "fk2\"); DROP TABLE x; --";
  const std::vector<Change> changes = {
      CreateTable{table}, AddForeignKey{table.ref, second},
      CreateIndex{table.ref, {"ix;\n--", {"line\nbreak"}, true, false, ""}}};
  check_golden("hostile_names", render_script(changes));
  // A newline in a name would end a "--" comment and turn the rest of the
  // name into SQL; inside quotes (the statement) it is just part of the name.
  for (const Change& change : changes)
    for (const Statement& statement : PostgresRenderer().render(Step{change, ""})) {
      INFO(statement.comment);
      CHECK(statement.comment.find_first_of("\r\n") == std::string::npos);
      if (!std::holds_alternative<CreateTable>(change))
        CHECK_THAT(statement.comment, Catch::Contains("\\x0a"));
    }
}

TEST_CASE("postgres renderer: add columns") {
  check_golden("add_column",
               render_script({AddColumn{kAddress, column("country", "varchar(2)", true)},
                              AddColumn{kAddress, column("state", "text", false, quote_literal("n/a"))}}));
}

TEST_CASE("postgres renderer: add a foreign key NOT VALID, then validate it") {
  check_golden("add_foreign_key_not_valid",
               render_script({AddForeignKey{kAddress, parent_fk(OnDelete::Cascade, false)},
                              ValidateForeignKey{kAddress, "customer_address_parent_id_fkey"}}));
}

TEST_CASE("postgres renderer: replace a wrong foreign key") {
  ForeignKey fk = parent_fk(OnDelete::Restrict, true);
  check_golden("replace_foreign_key",
               render_script({DropForeignKey{kAddress, fk.name}, AddForeignKey{kAddress, fk}}));
}

TEST_CASE("postgres renderer: set NOT NULL and create indexes") {
  check_golden("set_not_null_and_index",
               render_script({SetNotNull{kAddress, "parent_id"},
                              CreateIndex{kAddress, {"customer_address_parent_id_idx", {"parent_id"}, false, false, ""}},
                              CreateIndex{kAddress, {"customer_address_city_zip_key", {"city", "zip"}, true, false, ""}}}));
}

TEST_CASE("postgres renderer: history table") {
  check_golden("history_table", dialect_of(Dialect::Postgres).history("public").create_table + ";\n");
}

TEST_CASE("postgres renderer: statements carry no terminator and one comment each") {
  PostgresRenderer renderer;
  for (const Change& change : std::vector<Change>{
           CreateTable{customer_address()}, AddColumn{kAddress, column("c", "text", true)},
           AddForeignKey{kAddress, parent_fk()}, ValidateForeignKey{kAddress, "fk"},
           DropForeignKey{kAddress, "fk"}, CreateIndex{kAddress, {"ix", {"c"}, false, false, ""}},
           SetNotNull{kAddress, "c"}}) {
    std::vector<Statement> statements = renderer.render(Step{change, ""});
    REQUIRE(statements.size() == 1);
    CHECK(statements.front().sql.back() != ';');
    CHECK_FALSE(statements.front().comment.empty());
    CHECK(statements.front().comment.find('\n') == std::string::npos);
  }
}

TEST_CASE("postgres renderer: type names") {
  PostgresRenderer renderer;
  const std::pair<const char*, const char*> portable[] = {
      {"text", "text"},       {"varchar(20)", "varchar(20)"}, {"integer", "integer"},
      {"bigint", "bigint"},   {"boolean", "boolean"},         {"real", "real"},
      {"double", "double precision"}, {"numeric(10,2)", "numeric(10,2)"},
      {"date", "date"},       {"timestamp", "timestamp"},     {"uuid", "uuid"}};
  for (const auto& [name, rendered] : portable) {
    INFO("portable type " << name);
    CHECK(renderer.render_type(ColumnType::from_portable(name)) == rendered);
  }
  // The catalog's spelling wins: it is exactly what the column has.
  CHECK(renderer.render_type(ColumnType::from_native("character varying(20)", "varchar(20)")) ==
        "character varying(20)");
  CHECK(renderer.render_type(ColumnType::from_native("timestamp with time zone")) ==
        "timestamp with time zone");
  CHECK_THROWS_WITH(renderer.render_type(ColumnType::from_portable("money")),
                    "postgres renderer: unknown column type 'money'");
}

TEST_CASE("postgres catalog type spellings map back to portable names") {
  // What format_type() reports for each rendered portable type.
  const std::pair<const char*, const char*> catalog[] = {
      {"text", "text"},
      {"character varying(20)", "varchar(20)"},
      {"integer", "integer"},
      {"bigint", "bigint"},
      {"boolean", "boolean"},
      {"real", "real"},
      {"double precision", "double"},
      {"numeric(10,2)", "numeric(10,2)"},
      {"date", "date"},
      {"timestamp without time zone", "timestamp"},
      {"uuid", "uuid"},
      // varchar without a length is text (SQLAlchemy's String).
      {"character varying", "text"},
      // No portable name: kept native only.
      {"numeric", ""},
      {"timestamp(3) without time zone", ""},
      {"timestamp with time zone", ""},
      {"character(5)", ""},
      {"smallint", ""},
      {"\"Mood Type\"", ""},
      {"integer[]", ""}};
  for (const auto& [native, portable] : catalog) {
    INFO("catalog type " << native);
    CHECK(postgres::portable_type(native) == portable);
  }
}

TEST_CASE("postgres renderer: refuses what PostgreSQL cannot do from the model") {
  PostgresRenderer renderer;
  RebuildTable rebuild;
  rebuild.from = customer_address();
  rebuild.to = customer_address();
  CHECK_THROWS_WITH(renderer.render(Step{rebuild, ""}),
                    "postgres renderer: cannot rebuild public.customer_address: table rebuilds are "
                    "SQLite-only; PostgreSQL alters constraints in place");

  Table text_key = customer();
  text_key.columns.front().type = ColumnType::from_portable("text");
  CHECK_THROWS_WITH(renderer.render(Step{CreateTable{text_key}, ""}),
                    "postgres renderer: column id of type text cannot be generated; only integer "
                    "columns can be identity columns");

  CHECK_THROWS_WITH(renderer.render(Step{CreateIndex{kAddress, {"ix", {"", "city"}, false, false, ""}}, ""}),
                    "postgres renderer: cannot create expression index ix");
  CHECK_THROWS_WITH(renderer.render(Step{CreateIndex{kAddress, {"ix", {"city"}, false, true, ""}}, ""}),
                    "postgres renderer: cannot create partial index ix");
}

}  // namespace addrmig
