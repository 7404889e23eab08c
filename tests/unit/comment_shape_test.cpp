// Both renderers give a statement the same comment shape: the planner's step
// comment, then ": <detail>" for each further statement of the step.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lib/dialect.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

Table address_table(const std::string& schema) {
  Table table;
  table.ref = {schema, "customer_address"};
  Column id{"id", ColumnType::from_portable("integer"), false, "", true};
  Column parent{"parent_id", ColumnType::from_portable("integer"), false, "", false};
  table.columns = {id, parent};
  table.primary_key = {"id"};
  table.foreign_keys = {
      ForeignKey{"customer_address_parent_id_fkey", {"parent_id"}, schema, "customer", {"id"},
                 OnDelete::Cascade, true}};
  return table;
}

TEST_CASE("comment shape: every dialect leads with the step's comment") {
  for (const Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
    const DatabaseDialect& d = dialect_of(dialect);
    const std::string schema = d.capabilities().default_schema;
    INFO(d.name());
    const std::vector<Step> steps = {
        Step{CreateTable{address_table(schema)}, "create table customer_address"},
        Step{CreateIndex{{schema, "customer_address"}, Index{"ix", {"parent_id"}}},
             "index customer_address.parent_id"},
        Step{AddColumn{{schema, "customer_address"},
                       Column{"city", ColumnType::from_portable("text"), false, "'x'"}},
             "add column customer_address.city"}};
    for (const Step& step : steps) {
      const std::vector<Statement> statements = d.renderer().render(step);
      REQUIRE_FALSE(statements.empty());
      for (const Statement& statement : statements) {
        INFO(statement.comment);
        CHECK(statement.comment.rfind(step.comment, 0) == 0);
        const std::string rest = statement.comment.substr(step.comment.size());
        CHECK((rest.empty() || rest.rfind(": ", 0) == 0));
      }
    }
  }
}

TEST_CASE("comment shape: a rebuild's statements each say what they do") {
  Table from = address_table("");
  from.foreign_keys.clear();
  RebuildTable rebuild{from, address_table(""), {"id", "parent_id"}, {}};
  const Step step{rebuild, "rebuild table customer_address (add foreign key)"};
  const std::vector<Statement> statements = dialect_of(Dialect::Sqlite).renderer().render(step);
  REQUIRE(statements.size() > 2);
  for (const Statement& statement : statements)
    CHECK(statement.comment.rfind(step.comment + ": ", 0) == 0);
}

TEST_CASE("comment shape: control characters in a comment are escaped") {
  const Step step{CreateIndex{{"", "t"}, Index{"ix", {"c"}}}, "index t.c\n DROP TABLE t; --"};
  for (const Dialect dialect : {Dialect::Sqlite, Dialect::Postgres})
    for (const Statement& statement : dialect_of(dialect).renderer().render(step))
      CHECK(statement.comment == "index t.c\\x0a DROP TABLE t; --");
}

}  // namespace
}  // namespace addrmig
