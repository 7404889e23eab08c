// One inspector contract, run against both dialects through the seam
// (dialect_of(d).inspector): what any Inspector must do, whatever its SQL.
// Dialect-only behaviour (SQLite rebuild facts and case folding, PostgreSQL
// schemas, partitions, NOT VALID) stays in sqlite_inspector_test.cpp and
// postgres_inspector_test.cpp.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/sql.h"
#include "lib/sqlite/inspector.h"
#include "lib/postgres/inspector.h"
#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

using Strings = std::vector<std::string>;

// Where a table lives when the config names no schema.
TableRef table(Dialect dialect, std::string name) {
  return TableRef{dialect_of(dialect).capabilities().default_schema, std::move(name)};
}

std::unique_ptr<Inspector> inspector_for(Dialect dialect, Connection& conn) {
  return dialect_of(dialect).inspector(conn.session());
}

// Facts per measuring statement of each dialect.
std::size_t facts_per_statement(Dialect dialect) {
  return dialect == Dialect::Sqlite ? SqliteInspector::kMeasureTermsPerStatement
                                    : PostgresInspector::kFactsPerStatement;
}

const char kShop[] = R"(
CREATE TABLE customer (id integer PRIMARY KEY, code varchar(10) NOT NULL UNIQUE, name text);
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text DEFAULT 'Springfield',
  parent_id integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
CREATE UNIQUE INDEX customer_address_street_city ON customer_address (street, city);
CREATE INDEX customer_address_city_partial ON customer_address (city) WHERE city IS NOT NULL;
CREATE TABLE other_address (id integer PRIMARY KEY);
)";

void reads_tables_in_request_order(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(kShop);
  Connection conn = db.connect();
  auto inspector = inspector_for(dialect, conn);
  const TableRef customer = table(dialect, "customer"), address = table(dialect, "customer_address");
  const Catalog catalog = inspector->inspect(
      {address, table(dialect, "nowhere"), customer, address /* twice */});
  REQUIRE(catalog.tables.size() == 2);
  CHECK(catalog.tables[0].ref == address);
  CHECK(catalog.tables[1].ref == customer);
  CHECK(catalog.find(table(dialect, "nowhere")) == nullptr);
  // Every base table, requested or not, to report stray address tables.
  Strings all;
  for (const TableRef& ref : catalog.all_tables) all.push_back(ref.name);
  std::sort(all.begin(), all.end());
  CHECK(all == Strings{"customer", "customer_address", "other_address"});
  CHECK(inspector->inspect({}).tables.empty());
}

void reads_columns_keys_and_indexes(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(kShop);
  Connection conn = db.connect();
  const Catalog catalog = inspector_for(dialect, conn)->inspect(
      {table(dialect, "customer"), table(dialect, "customer_address")});
  const Table* address = catalog.find(table(dialect, "customer_address"));
  REQUIRE(address);
  Strings columns;
  for (const Column& column : address->columns) columns.push_back(column.name);
  CHECK(columns == Strings{"id", "street", "city", "parent_id"});
  CHECK(address->column("street")->type.portable == "text");
  CHECK_FALSE(address->column("street")->nullable);
  CHECK(address->column("city")->nullable);
  CHECK_THAT(address->column("city")->default_sql, Catch::Contains("'Springfield'"));
  CHECK(address->column("parent_id")->type.portable == "integer");
  CHECK(address->primary_key == Strings{"id"});

  REQUIRE(address->foreign_keys.size() == 1);
  const ForeignKey& fk = address->foreign_keys.front();
  CHECK(fk.columns == Strings{"parent_id"});
  CHECK(fk.ref_table == "customer");
  CHECK(fk.on_delete == OnDelete::Cascade);
  CHECK(fk.validated);
  CHECK(address->foreign_key_on("parent_id") == &fk);

  const Index* fk_index = address->index_leading("parent_id");
  REQUIRE(fk_index);
  CHECK(fk_index->name == "customer_address_parent_id_idx");
  CHECK_FALSE(fk_index->unique);
  bool saw_unique = false, saw_partial = false;
  for (const Index& index : address->indexes) {
    if (index.name == "customer_address_street_city") {
      saw_unique = true;
      CHECK(index.unique);
      CHECK(index.columns == Strings{"street", "city"});
    }
    if (index.name == "customer_address_city_partial") {
      saw_partial = true;
      CHECK(index.partial);
    }
  }
  CHECK(saw_unique);
  CHECK(saw_partial);

  const Table* customer = catalog.find(table(dialect, "customer"));
  REQUIRE(customer);
  CHECK(customer->column("code")->type.portable == "varchar(10)");
  const bool code_unique = std::any_of(customer->indexes.begin(), customer->indexes.end(),
                                       [](const Index& i) {
                                         return i.unique && i.columns == Strings{"code"};
                                       });
  CHECK(code_unique);
}

void reads_hostile_names_exactly(Dialect dialect) {
  TestDatabase db(dialect);
  const std::string name = "it's \"quoted\"; DROP TABLE x; --";
  db.exec("CREATE TABLE " + quote_ident(name) + " (" + quote_ident("col \"1\"") +
          " integer PRIMARY KEY)");
  Connection conn = db.connect();
  const Catalog catalog = inspector_for(dialect, conn)->inspect({table(dialect, name)});
  REQUIRE(catalog.tables.size() == 1);
  CHECK(catalog.tables[0].ref.name == name);
  CHECK(catalog.tables[0].columns.at(0).name == "col \"1\"");
}

// Catalog queries must not grow with the number of parents.
void query_count_does_not_grow(Dialect dialect) {
  TestDatabase db(dialect);
  constexpr int kTables = 500;
  std::string script;
  for (int i = 0; i < kTables; ++i) {
    const std::string n = std::to_string(i);
    script += "CREATE TABLE p" + n + " (id integer PRIMARY KEY);\n";
    script += "CREATE TABLE p" + n + "_address (id integer PRIMARY KEY, parent_id integer " +
              "NOT NULL REFERENCES p" + n + " (id) ON DELETE CASCADE);\n";
    script += "CREATE INDEX p" + n + "_address_ix ON p" + n + "_address (parent_id);\n";
  }
  db.exec(script);
  Connection conn = db.connect();
  auto one = inspector_for(dialect, conn);
  REQUIRE(one->inspect({table(dialect, "p0_address")}).tables.size() == 1);
  std::vector<TableRef> wanted;
  for (int i = kTables - 1; i >= 0; --i) wanted.push_back(table(dialect, "p" + std::to_string(i) + "_address"));
  auto many = inspector_for(dialect, conn);
  const Catalog large = many->inspect(wanted);
  CHECK(many->queries_run() == one->queries_run());
  REQUIRE(large.tables.size() == kTables);
  CHECK(large.tables.front().ref.name == "p499_address");
  const Table& last = large.tables.back();
  CHECK(last.ref.name == "p0_address");
  REQUIRE(last.foreign_keys.size() == 1);
  CHECK(last.foreign_keys[0].ref_table == "p0");
  REQUIRE(last.indexes.size() == 1);
  CHECK(last.indexes[0].name == "p0_address_ix");
  CHECK(large.all_tables.size() == 2 * kTables);

  // Measuring them takes one statement per batch, not one per table.
  std::vector<FactRequest> counts;
  for (const TableRef& ref : wanted) counts.push_back({FactKind::RowCount, ref});
  const std::size_t before = many->queries_run();
  const Facts facts = many->measure(counts);
  const std::size_t per = facts_per_statement(dialect);
  CHECK(many->queries_run() - before == (counts.size() + per - 1) / per);
  REQUIRE(facts.facts.size() == counts.size());
  CHECK(facts.facts.back().request == counts.back());
  CHECK(many->measure({}).facts.empty());
}

void measures_rows_nulls_and_orphans(Dialect dialect) {
  TestDatabase db(dialect);
  db.exec(R"(
CREATE TABLE customer (id integer PRIMARY KEY);
INSERT INTO customer VALUES (1), (2);
CREATE TABLE customer_address (id integer PRIMARY KEY, parent_id integer);
INSERT INTO customer_address VALUES
  (1, 1), (2, 99), (10, 98), (3, 97), (4, NULL), (5, 2), (11, 96), (12, 95), (20, 94), (13, NULL);
CREATE TABLE empty_address (id integer PRIMARY KEY, parent_id integer);
CREATE TABLE keyed_by_text (code text PRIMARY KEY, parent_id integer);
INSERT INTO keyed_by_text VALUES ('b', 50), ('it''s', 51), ('c', 1);
)");
  Connection conn = db.connect();
  auto inspector = inspector_for(dialect, conn);
  const TableRef address = table(dialect, "customer_address"), customer = table(dialect, "customer");
  const TableRef empty = table(dialect, "empty_address"), text_keyed = table(dialect, "keyed_by_text");
  const std::vector<FactRequest> requests = {
      {FactKind::RowCount, address},
      {FactKind::NullCount, address, "parent_id"},
      {FactKind::Orphans, address, "parent_id", "id", customer, "id"},
      {FactKind::RowCount, empty},
      {FactKind::Orphans, empty, "parent_id", "id", customer, "id"},
      {FactKind::Orphans, text_keyed, "parent_id", "code", customer, "id"},
      {FactKind::Orphans, address, "parent_id", "", customer, "id"},
  };
  const Facts facts = inspector->measure(requests);
  CHECK(inspector->queries_run() == 1);
  REQUIRE(facts.facts.size() == requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) CHECK(facts.facts[i].request == requests[i]);
  CHECK(facts.facts[0].count == 10);
  CHECK(facts.facts[1].count == 2);
  // NULLs are not orphans; samples are the five smallest ids, ordered as
  // numbers ("10" after "3"), not as text.
  CHECK(facts.facts[2].count == 6);
  CHECK(facts.facts[2].samples == Strings{"2", "3", "10", "11", "12"});
  CHECK(facts.facts[3].count == 0);
  CHECK(facts.facts[4].count == 0);
  CHECK(facts.facts[4].samples.empty());
  CHECK(facts.facts[5].count == 2);
  CHECK(facts.facts[5].samples == Strings{"b", "it's"});
  // Without an id column the orphans are counted but not sampled.
  CHECK(facts.facts[6].count == 6);
  CHECK(facts.facts[6].samples.empty());
  CHECK(facts.find(requests[2]) == &facts.facts[2]);
}

void failing_measurement_names_what(Dialect dialect) {
  TestDatabase db(dialect);
  Connection conn = db.connect();
  auto inspector = inspector_for(dialect, conn);
  CHECK_THROWS_AS(inspector->measure({FactRequest{FactKind::RowCount, table(dialect, "gone")}}),
                  DbError);
  CHECK_THROWS_WITH(inspector->measure({FactRequest{FactKind::RowCount, table(dialect, "gone")}}),
                    Catch::Contains(" inspector: counting rows of ") && Catch::Contains("gone"));
}

}  // namespace

DIALECT_TEST("inspector: request order, absent tables and every base table",
             reads_tables_in_request_order)
DIALECT_TEST("inspector: columns, keys and indexes", reads_columns_keys_and_indexes)
DIALECT_TEST("inspector: hostile names are read exactly", reads_hostile_names_exactly)
DIALECT_TEST("inspector: the query count does not grow with the number of tables",
             query_count_does_not_grow)
DIALECT_TEST("inspector: measure counts rows, NULLs and orphans in request order",
             measures_rows_nulls_and_orphans)
DIALECT_TEST("inspector: a failing measurement is a database error naming what it measured",
             failing_measurement_names_what)
