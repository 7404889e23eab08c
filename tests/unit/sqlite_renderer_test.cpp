// SqliteRenderer: each Change against a golden SQL file under
// tests/golden/sqlite_renderer/ (regenerate with ADDRMIG_UPDATE_GOLDEN=1),
// plus the type mapping and the changes SQLite cannot express.

#include "lib/sqlite/renderer.h"
#include "lib/dialect.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/errors.h"
#include "tests/support/golden.h"

namespace addrmig {
namespace {

namespace fs = std::filesystem;

void check_golden(const std::string& name, const std::string& actual) {
  test::check_golden(fs::path("sqlite_renderer") / (name + ".sql"), actual);
}

std::string render_script(const std::vector<Step>& steps) {
  SqliteRenderer renderer;
  std::vector<Statement> statements;
  for (const Step& step : steps) {
    std::vector<Statement> rendered = renderer.render(step);
    statements.insert(statements.end(), rendered.begin(), rendered.end());
  }
  return test::golden_script(statements);
}

TableRef ref(std::string name) { return TableRef{"", std::move(name)}; }

Column column(std::string name, std::string portable_type, bool nullable = false,
              std::string default_sql = {}) {
  return Column{std::move(name), ColumnType::from_portable(std::move(portable_type)), nullable,
                std::move(default_sql), false};
}

Column native_column(std::string name, std::string native_type, bool nullable = true) {
  return Column{
      std::move(name), ColumnType::from_native(std::move(native_type)), nullable, {}, false};
}

Column generated_id() {
  return Column{"id", ColumnType::from_portable("integer"), false, {}, true};
}

// customer_address as the planner wants it.
Table address_table() {
  Table table;
  table.ref = ref("customer_address");
  table.columns = {generated_id(), column("street", "text"), column("zip", "varchar(10)", true),
                   column("country", "text", false, "'US'"), column("parent_id", "integer")};
  table.primary_key = {"id"};
  table.foreign_keys = {
      ForeignKey{"", {"parent_id"}, "", "customer", {"id"}, OnDelete::Cascade, true}};
  return table;
}

// customer_address as the inspector would read it from a hand-made file,
// with indexes, a trigger and a UNIQUE constraint, but no foreign key yet.
Table inspected_address_table() {
  Table table;
  table.ref = ref("customer_address");
  table.columns = {Column{"id", ColumnType::from_native("INTEGER", "integer"), false, {}, true},
                   native_column("street", "TEXT", false), native_column("zip", "varchar(10)"),
                   native_column("code", "TEXT"), native_column("parent_id", "INTEGER")};
  table.primary_key = {"id"};
  table.indexes = {
      Index{"sqlite_autoindex_customer_address_1", {"code"}, true, false, ""},
      Index{"customer_address_zip",
            {"zip"},
            false,
            true,
            "CREATE INDEX customer_address_zip ON customer_address (zip) WHERE zip IS NOT NULL"},
      Index{"customer_address_lower_street",
            {""},
            false,
            false,
            "CREATE INDEX customer_address_lower_street ON customer_address (lower(street))"},
  };
  table.triggers = {
      SchemaObject{"trigger", "customer_address_audit", "customer_address",
                   "CREATE TRIGGER customer_address_audit AFTER DELETE ON customer_address "
                   "BEGIN INSERT INTO audit (what) VALUES (old.street); END"}};
  table.sql = "CREATE TABLE customer_address (...)";
  return table;
}

TEST_CASE("sqlite renderer: portable types map to SQLite spellings, native types stay",
          "[renderer]") {
  SqliteRenderer renderer;
  const std::vector<std::pair<std::string, std::string>> portable = {
      {"text", "TEXT"},       {"varchar(20)", "VARCHAR(20)"},
      {"integer", "INTEGER"}, {"bigint", "BIGINT"},
      {"boolean", "BOOLEAN"}, {"real", "REAL"},
      {"double", "DOUBLE"},   {"numeric(10,2)", "NUMERIC(10,2)"},
      {"date", "DATE"},       {"timestamp", "TIMESTAMP"},
      {"uuid", "UUID"}};
  for (const auto& [name, sql] : portable)
    CHECK(renderer.render_type(ColumnType::from_portable(name)) == sql);
  CHECK(renderer.render_type(ColumnType::from_native("int", "")) == "int");
  CHECK(renderer.render_type(ColumnType::from_native("varchar( 10 )", "varchar(10)")) ==
        "varchar( 10 )");
  CHECK(renderer.render_type(ColumnType{}).empty());
  CHECK_THROWS_WITH(renderer.render_type(ColumnType::from_portable("money")),
                    "sqlite renderer: unknown column type 'money'");
}

TEST_CASE("sqlite renderer: create an address table", "[renderer]") {
  check_golden(
      "create_table_address",
      render_script({Step{CreateTable{address_table()}, "create table customer_address"}}));
}

TEST_CASE("sqlite renderer: create a parent with AUTOINCREMENT and named constraints",
          "[renderer]") {
  Table table = address_table();
  table.ref = ref("customer");
  table.columns = {generated_id(), column("name", "text")};
  table.foreign_keys = {};
  table.autoincrement = true;
  Table child = address_table();
  child.foreign_keys = {ForeignKey{"customer_address_parent_id_fkey",
                                   {"parent_id"},
                                   "",
                                   "customer",
                                   {"id"},
                                   OnDelete::Restrict,
                                   true},
                        ForeignKey{"", {"zip"}, "", "zip_code", {}, OnDelete::NoAction, true}};
  check_golden("create_table_named_constraints",
               render_script({Step{CreateTable{table}, ""}, Step{CreateTable{child}, ""}}));
}

TEST_CASE("sqlite renderer: composite keys, UNIQUE constraints, WITHOUT ROWID, untyped columns",
          "[renderer]") {
  Table table;
  table.ref = ref("region_link");
  table.columns = {
      native_column("code", "TEXT", false), native_column("country", "TEXT", false),
      native_column("note", ""), native_column("id", "INT", false),
      Column{"since", ColumnType::from_native("TIMESTAMP"), true, "CURRENT_TIMESTAMP", false}};
  table.primary_key = {"code", "country"};
  table.foreign_keys = {ForeignKey{
      "", {"code", "country"}, "", "region", {"code", "country"}, OnDelete::SetNull, true}};
  table.indexes = {Index{"sqlite_autoindex_region_link_1", {"code", "country"}, true, false, ""},
                   Index{"sqlite_autoindex_region_link_2", {"id"}, true, false, ""},
                   Index{"region_link_note",
                         {"note"},
                         false,
                         false,
                         "CREATE INDEX region_link_note ON region_link (note)"}};
  table.without_rowid = true;
  // An INT primary key is not the rowid alias: it stays a table constraint.
  Table int_key;
  int_key.ref = ref("int_key");
  int_key.columns = {native_column("id", "INT", false)};
  int_key.primary_key = {"id"};
  check_golden("create_table_composite",
               render_script({Step{CreateTable{table}, ""}, Step{CreateTable{int_key}, ""}}));
}

TEST_CASE("sqlite renderer: hostile names are quoted and comments stay one line", "[renderer]") {
  Table table;
  table.ref = ref("order\"; DROP TABLE x; --\nline");
  table.columns = {generated_id(), column("user's \"name\"", "text"),
                   column("straße 地址", "integer")};
  table.primary_key = {"id"};
  table.foreign_keys = {
      ForeignKey{"fk \"q\"", {"straße 地址"}, "", "select", {"from"}, OnDelete::Cascade, true}};
  check_golden(
      "create_table_hostile_names",
      render_script(
          {Step{CreateTable{table}, ""},
           Step{CreateIndex{table.ref, Index{"idx;\"x\"", {"straße 地址"}, false, false, ""}},
                ""}}));
}

TEST_CASE("sqlite renderer: add columns", "[renderer]") {
  check_golden(
      "add_column",
      render_script(
          {Step{AddColumn{ref("customer_address"), column("city", "text", true)},
                "add column city"},
           Step{AddColumn{ref("customer_address"), column("zip", "varchar(10)", false, "''")}, ""},
           Step{AddColumn{ref("customer_address"), native_column("legacy", "")}, ""}}));
}

TEST_CASE("sqlite renderer: create indexes", "[renderer]") {
  const TableRef t = ref("customer_address");
  check_golden(
      "create_index",
      render_script(
          {Step{
               CreateIndex{t, Index{"customer_address_parent_id", {"parent_id"}, false, false, ""}},
               "index the foreign key"},
           Step{CreateIndex{
                    t, Index{"customer_address_street_zip", {"street", "zip"}, true, false, ""}},
                ""},
           Step{CreateIndex{t, Index{"customer_address_zip",
                                     {"zip"},
                                     false,
                                     true,
                                     "CREATE INDEX customer_address_zip ON customer_address (zip) "
                                     "WHERE zip IS NOT NULL"}},
                ""}}));
}

TEST_CASE("sqlite renderer: rebuild a table with its indexes, triggers and dependent views",
          "[renderer]") {
  RebuildTable rebuild;
  rebuild.from = inspected_address_table();
  rebuild.to = rebuild.from;
  rebuild.to.sql.clear();
  rebuild.to.columns.push_back(column("city", "text", false, "''"));
  rebuild.to.columns[4].nullable = false;
  rebuild.to.foreign_keys = {
      ForeignKey{"", {"parent_id"}, "", "customer", {"id"}, OnDelete::Cascade, true}};
  rebuild.copy_columns = {"id", "street", "zip", "code", "parent_id"};
  rebuild.dependent_views = {
      SchemaObject{"view", "street_names", "",
                   "CREATE VIEW street_names AS SELECT street FROM customer_address"},
      SchemaObject{"view", "street_count", "",
                   "CREATE VIEW street_count AS SELECT count(*) AS n FROM street_names"}};
  check_golden(
      "rebuild_table",
      render_script({Step{rebuild, "rebuild table customer_address (add foreign key parent_id)"}}));
}

TEST_CASE("sqlite renderer: a rebuild of an AUTOINCREMENT table carries its counter over",
          "[renderer]") {
  RebuildTable rebuild;
  rebuild.from.ref = ref("ticket");
  rebuild.from.columns = {generated_id(), column("parent_id", "integer", true)};
  rebuild.from.primary_key = {"id"};
  rebuild.from.autoincrement = true;
  rebuild.to = rebuild.from;
  rebuild.to.columns[1].nullable = false;
  rebuild.copy_columns = {"id", "parent_id"};
  check_golden("rebuild_autoincrement", render_script({Step{rebuild, ""}}));
}

TEST_CASE("sqlite renderer: a rebuild keeps triggers and indexes only the old table lists",
          "[renderer]") {
  RebuildTable rebuild;
  rebuild.from = inspected_address_table();
  rebuild.to = address_table();  // built from config: no indexes, no triggers
  rebuild.copy_columns = {"id", "street", "zip", "parent_id"};
  const std::vector<Statement> statements = SqliteRenderer().render(Step{rebuild, ""});
  std::vector<std::string> sql;
  for (const Statement& s : statements) sql.push_back(s.sql);
  CHECK(std::count(sql.begin(), sql.end(), rebuild.from.indexes[1].sql) == 1);
  CHECK(std::count(sql.begin(), sql.end(), rebuild.from.indexes[2].sql) == 1);
  CHECK(std::count(sql.begin(), sql.end(), rebuild.from.triggers[0].sql) == 1);
  CHECK(statements.front().comment ==
        "rebuild table customer_address: create the new table addrmig_new_customer_address");
}

TEST_CASE("sqlite renderer: a rebuild that would copy nothing is refused", "[renderer]") {
  RebuildTable rebuild;
  rebuild.from = inspected_address_table();
  rebuild.to = rebuild.from;
  CHECK_THROWS_WITH(SqliteRenderer().render(Step{rebuild, ""}),
                    "sqlite renderer: rebuild of customer_address copies no columns");
}

TEST_CASE("sqlite renderer: the history table", "[renderer]") {
  check_golden("history_table", dialect_of(Dialect::Sqlite).history("").create_table + ";\n");
}

TEST_CASE("sqlite renderer: constraint changes are not expressible with ALTER TABLE",
          "[renderer]") {
  SqliteRenderer renderer;
  const TableRef t = ref("customer_address");
  const std::string tail =
      " on customer_address cannot be done with ALTER TABLE on SQLite; it needs a table rebuild";
  CHECK_THROWS_AS(renderer.render(Step{AddForeignKey{t, ForeignKey{}}, ""}), Error);
  CHECK_THROWS_WITH(renderer.render(Step{AddForeignKey{t, ForeignKey{}}, ""}),
                    "sqlite renderer: adding a foreign key" + tail);
  CHECK_THROWS_WITH(renderer.render(Step{DropForeignKey{t, "fk"}, ""}),
                    "sqlite renderer: dropping a foreign key" + tail);
  CHECK_THROWS_WITH(renderer.render(Step{ValidateForeignKey{t, "fk"}, ""}),
                    "sqlite renderer: validating a foreign key" + tail);
  CHECK_THROWS_WITH(renderer.render(Step{SetNotNull{t, "parent_id"}, ""}),
                    "sqlite renderer: SET NOT NULL of column parent_id" + tail);
}

}  // namespace
}  // namespace addrmig
