// SqliteRenderer's SQL executed on real SQLite files, read back through
// SqliteInspector: created tables are what the model says, and a rebuild keeps
// every row, index, trigger and view, and the tables that reference it.

#include "lib/sqlite/renderer.h"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lib/errors.h"
#include "lib/sqlite/inspector.h"
#include "lib/transaction.h"
#include "tests/support/test_database.h"

namespace addrmig {
namespace {

using test::TestDatabase;

TableRef ref(std::string name) { return TableRef{"", std::move(name)}; }

Catalog inspect(TestDatabase& db, const std::vector<TableRef>& tables) {
  Connection conn = db.connect();
  return SqliteInspector(conn.session()).inspect(tables);
}

// Runs rendered steps through the executor's own pieces: the migration
// transaction (foreign keys off around it), the dialect's pre-commit check
// (foreign_key_check of rebuilt tables). Returns the check's error, "" when
// the steps committed.
std::string apply(TestDatabase& db, const std::vector<Step>& steps) {
  const DatabaseDialect& sqlite = dialect_of(Dialect::Sqlite);
  Connection conn = db.connect();
  MigrationTransaction transaction(conn, std::chrono::milliseconds(1000));
  Plan plan;
  plan.parents.emplace_back();
  plan.parents.back().steps = steps;
  for (const Step& step : steps)
    for (const Statement& statement : sqlite.renderer().render(step))
      conn.execute(statement.sql, statement.comment);
  try {
    sqlite.check_before_commit(conn, plan);
  } catch (const DbError& e) {
    return e.what();  // the transaction rolls back
  }
  transaction.commit();
  return "";
}

std::vector<std::string> names_of(const std::vector<Index>& indexes) {
  std::vector<std::string> out;
  for (const Index& index : indexes) out.push_back(index.name);
  return out;
}

Column column(std::string name, std::string portable, bool nullable = false) {
  return Column{
      std::move(name), ColumnType::from_portable(std::move(portable)), nullable, {}, false};
}

TEST_CASE("sqlite renderer: created tables read back as the model", "[sqlite][renderer]") {
  TestDatabase db(Dialect::Sqlite);
  Table parent;
  parent.ref = ref("order");  // a reserved word
  parent.columns = {Column{"id", ColumnType::from_portable("integer"), false, {}, true},
                    column("name", "text")};
  parent.primary_key = {"id"};
  parent.autoincrement = true;
  Table address;
  address.ref = ref("order's \"address\"");
  address.columns = {Column{"id", ColumnType::from_portable("integer"), false, {}, true},
                     column("street", "varchar(40)"), column("zip", "text", true),
                     Column{"country", ColumnType::from_portable("text"), false, "'US'", false},
                     column("parent id", "integer")};
  address.primary_key = {"id"};
  address.foreign_keys = {
      ForeignKey{"", {"parent id"}, "", "order", {"id"}, OnDelete::Cascade, true}};
  const Index by_parent{"order's \"address\"_parent id", {"parent id"}, false, false, ""};

  REQUIRE(apply(db, {Step{CreateTable{parent}, ""}, Step{CreateTable{address}, ""},
                     Step{CreateIndex{address.ref, by_parent}, ""}})
              .empty());

  const Catalog catalog = inspect(db, {parent.ref, address.ref});
  REQUIRE(catalog.tables.size() == 2);
  CHECK(catalog.tables[0].autoincrement);
  const Table& read = catalog.tables[1];
  REQUIRE(read.columns.size() == address.columns.size());
  for (std::size_t i = 0; i < read.columns.size(); ++i) {
    INFO(address.columns[i].name);
    CHECK(read.columns[i].name == address.columns[i].name);
    CHECK(read.columns[i].type == address.columns[i].type);
    CHECK(read.columns[i].nullable == address.columns[i].nullable);
    CHECK(read.columns[i].generated == address.columns[i].generated);
    CHECK(read.columns[i].default_sql == address.columns[i].default_sql);
  }
  CHECK(read.primary_key == address.primary_key);
  REQUIRE(read.foreign_keys.size() == 1);
  CHECK(read.foreign_keys[0].columns == address.foreign_keys[0].columns);
  CHECK(read.foreign_keys[0].ref_table == "order");
  CHECK(read.foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
  CHECK(read.foreign_keys[0].on_delete == OnDelete::Cascade);
  REQUIRE(read.indexes.size() == 1);
  CHECK(read.indexes[0].name == by_parent.name);
  CHECK(read.indexes[0].columns == by_parent.columns);
  CHECK(read.rebuild_unsafe.empty());

  // The rowid alias really is one: ids are generated.
  db.exec(
      "INSERT INTO \"order\" (name) VALUES ('first');\n"
      "INSERT INTO \"order's \"\"address\"\"\" (street, \"parent id\") VALUES ('1 main st', 1);");
  CHECK(db.query("SELECT id FROM \"order's \"\"address\"\"\"") == std::vector<std::string>{"1"});
  CHECK(db.query("SELECT country FROM \"order's \"\"address\"\"\"") ==
        std::vector<std::string>{"US"});
}

const char* const kHandMade = R"(
CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE audit (what TEXT);
CREATE TABLE customer_address (
  id INTEGER PRIMARY KEY,
  street TEXT NOT NULL DEFAULT 'unknown',
  code TEXT UNIQUE,
  zip TEXT,
  parent_id INTEGER
);
CREATE INDEX customer_address_zip ON customer_address (zip) WHERE zip IS NOT NULL;
CREATE INDEX customer_address_lower_street ON customer_address (lower(street));
CREATE TRIGGER customer_address_audit AFTER DELETE ON customer_address
BEGIN INSERT INTO audit (what) VALUES ('deleted ' || old.street); END;
CREATE VIEW street_names AS SELECT street FROM customer_address;
CREATE VIEW street_count AS SELECT count(*) AS n FROM street_names;
CREATE TABLE delivery (id INTEGER PRIMARY KEY, address_id INTEGER NOT NULL REFERENCES customer_address (id) ON DELETE CASCADE);
CREATE TRIGGER delivery_audit AFTER INSERT ON delivery
BEGIN INSERT INTO audit (what) SELECT 'delivery to ' || street FROM customer_address WHERE id = new.address_id; END;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO customer (id, name) SELECT i, 'customer ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO customer_address (id, street, code, zip, parent_id)
SELECT i, i || ' main street', 'c' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE printf('%05d', i) END, 1 + i % 50 FROM n;
INSERT INTO delivery (id, address_id) VALUES (1, 10), (2, 20), (3, 4000);
)";

// What the planner hands over to add the FK and NOT NULL on parent_id.
RebuildTable add_foreign_key_rebuild(const Catalog& catalog) {
  RebuildTable rebuild;
  rebuild.from = *catalog.find(ref("customer_address"));
  rebuild.to = rebuild.from;
  rebuild.to.sql.clear();
  for (Column& c : rebuild.to.columns)
    if (c.name == "parent_id") c.nullable = false;
  rebuild.to.foreign_keys.push_back(
      ForeignKey{"", {"parent_id"}, "", "customer", {"id"}, OnDelete::Cascade, true});
  for (const Column& c : rebuild.from.columns) rebuild.copy_columns.push_back(c.name);
  for (const SchemaObject& view : catalog.views)
    if (view.sql.find("customer_address") != std::string::npos)
      rebuild.dependent_views.push_back(view);
  return rebuild;
}

TEST_CASE("sqlite renderer: a rebuild keeps rows, indexes, triggers, views and referencing tables",
          "[sqlite][renderer]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kHandMade);
  const std::string select_all = "SELECT * FROM customer_address ORDER BY id";
  const std::vector<std::string> rows_before = db.query(select_all);
  const std::vector<std::string> deliveries_before = db.query("SELECT * FROM delivery ORDER BY id");
  const std::vector<std::string> views_before =
      db.query("SELECT sql FROM sqlite_schema WHERE type = 'view' ORDER BY name");
  const Catalog before = inspect(db, {ref("customer_address"), ref("delivery")});
  REQUIRE(before.tables.size() == 2);
  REQUIRE(before.tables[0].rebuild_unsafe.empty());

  const RebuildTable rebuild = add_foreign_key_rebuild(before);
  REQUIRE(rebuild.dependent_views.size() ==
          1);  // street_count depends on it only through street_names
  CHECK(apply(db, {Step{rebuild, "rebuild table customer_address (add foreign key parent_id)"}})
            .empty());

  // Every row, unchanged; nothing left behind.
  CHECK(db.query(select_all) == rows_before);
  CHECK(db.query("SELECT * FROM delivery ORDER BY id") == deliveries_before);
  CHECK(db.count("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'addrmig%'") == 0);
  CHECK(db.query("SELECT sql FROM sqlite_schema WHERE type = 'view' ORDER BY name") ==
        views_before);
  CHECK(db.query("PRAGMA integrity_check") == std::vector<std::string>{"ok"});

  const Catalog after = inspect(db, {ref("customer_address"), ref("delivery")});
  REQUIRE(after.tables.size() == 2);
  const Table& address = after.tables[0];
  CHECK_FALSE(address.column("parent_id")->nullable);
  CHECK(address.column("street")->default_sql == "'unknown'");
  REQUIRE(address.foreign_keys.size() == 1);
  CHECK(address.foreign_keys[0].ref_table == "customer");
  CHECK(address.foreign_keys[0].on_delete == OnDelete::Cascade);
  CHECK(names_of(address.indexes) == std::vector<std::string>{"sqlite_autoindex_customer_address_1",
                                                              "customer_address_zip",
                                                              "customer_address_lower_street"});
  CHECK(address.indexes[0].unique);
  CHECK(address.indexes[0].columns == std::vector<std::string>{"code"});
  for (std::size_t i = 1; i < 3; ++i)
    CHECK(address.indexes[i].sql == before.tables[0].indexes[i].sql);
  REQUIRE(address.triggers.size() == 1);
  CHECK(address.triggers[0].sql == before.tables[0].triggers[0].sql);
  CHECK(address.rebuild_unsafe.empty());
  // The referencing table still names the rebuilt table.
  REQUIRE(after.tables[1].foreign_keys.size() == 1);
  CHECK(after.tables[1].foreign_keys[0].ref_table == "customer_address");

  // And everything works: the new FK, UNIQUE, cascades through both FKs,
  // the triggers on both tables, the view on the view.
  CHECK_THROWS(db.exec("INSERT INTO customer_address (street, parent_id) VALUES ('x', 999)"));
  CHECK_THROWS(
      db.exec("INSERT INTO customer_address (street, code, parent_id) VALUES ('x', 'c1', 1)"));
  CHECK_THROWS(db.exec("INSERT INTO customer_address (street, parent_id) VALUES ('x', NULL)"));
  db.exec("INSERT INTO delivery (id, address_id) VALUES (4, 11)");
  CHECK(db.count("SELECT count(*) FROM audit WHERE what = 'delivery to 11 main street'") == 1);
  db.exec("DELETE FROM customer WHERE id = 11");  // owns addresses 10, 60, ..., 4960
  CHECK(db.count("SELECT count(*) FROM customer_address") == 5000 - 100);
  CHECK(db.count("SELECT count(*) FROM delivery") == 3);  // delivery 1 (address 10) cascaded
  CHECK(db.count("SELECT count(*) FROM audit WHERE what LIKE 'deleted %'") == 100);
  CHECK(db.count("SELECT n FROM street_count") == 4900);
}

TEST_CASE("sqlite renderer: a rebuild over orphan rows fails foreign_key_check and changes nothing",
          "[sqlite][renderer]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kHandMade);
  db.exec("UPDATE customer_address SET parent_id = 777 WHERE id = 5");
  const std::string before = db.dump();
  const Catalog catalog = inspect(db, {ref("customer_address")});
  CHECK_THAT(apply(db, {Step{add_foreign_key_rebuild(catalog), ""}}),
             Catch::Contains("foreign key check failed after rebuilding customer_address: 1 rows"));
  CHECK(db.dump() == before);
}

TEST_CASE("sqlite renderer: a rebuild keeps the AUTOINCREMENT counter", "[sqlite][renderer]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
CREATE TABLE customer (id INTEGER PRIMARY KEY);
INSERT INTO customer (id) VALUES (1);
CREATE TABLE "Ticket" (id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id INTEGER);
INSERT INTO "Ticket" (parent_id) VALUES (1), (1), (1);
DELETE FROM "Ticket" WHERE id = 3;
)");
  // Requested in another case, as SQLite allows.
  const Catalog catalog = inspect(db, {ref("ticket")});
  REQUIRE(catalog.tables.size() == 1);
  REQUIRE(catalog.tables[0].autoincrement);
  RebuildTable rebuild;
  rebuild.from = catalog.tables[0];
  rebuild.to = rebuild.from;
  rebuild.to.foreign_keys.push_back(
      ForeignKey{"", {"parent_id"}, "", "customer", {}, OnDelete::Cascade, true});
  rebuild.copy_columns = {"id", "parent_id"};
  REQUIRE(apply(db, {Step{rebuild, ""}}).empty());

  db.exec("INSERT INTO ticket (parent_id) VALUES (1)");
  CHECK(db.query("SELECT id FROM ticket ORDER BY id") == std::vector<std::string>{"1", "2", "4"});
  CHECK(db.query("SELECT name || ' ' || seq FROM sqlite_sequence") ==
        std::vector<std::string>{"ticket 4"});
  const Catalog after = inspect(db, {ref("ticket")});
  REQUIRE(after.tables.size() == 1);
  CHECK(after.tables[0].autoincrement);
  CHECK(after.tables[0].foreign_keys.size() == 1);
}

}  // namespace
}  // namespace addrmig
