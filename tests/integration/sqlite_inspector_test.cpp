// SqliteInspector against real SQLite files built with raw SQL, the way a
// hand-made or other-tool database would have them.

#include "lib/sqlite/inspector.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/test_database.h"

namespace addrmig {
namespace {

using test::TestDatabase;

Catalog inspect(TestDatabase& db, const std::vector<TableRef>& tables) {
  Connection conn = db.connect();
  SqliteInspector inspector(conn.session());
  return inspector.inspect(tables);
}

TableRef ref(std::string name) { return TableRef{"", std::move(name)}; }

std::vector<std::string> table_names(const std::vector<TableRef>& refs) {
  std::vector<std::string> out;
  for (const TableRef& r : refs) out.push_back(r.name);
  return out;
}

const char* const kShopSchema = R"(
CREATE TABLE customer (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name VARCHAR(20));
CREATE TABLE region (code TEXT, country TEXT, PRIMARY KEY (code, country));
CREATE TABLE customer_address (
  id INTEGER PRIMARY KEY,
  street TEXT NOT NULL DEFAULT 'unknown',
  zip varchar( 10 ),
  score DOUBLE DEFAULT (1 + 2),
  created TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  weird INT,
  untyped,
  parent_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
  backup_id INTEGER CONSTRAINT backup_fk REFERENCES customer ON DELETE SET NULL,
  region_code TEXT,
  region_country TEXT,
  FOREIGN KEY (region_code, region_country) REFERENCES region (code, country) ON DELETE RESTRICT
);
CREATE INDEX customer_address_parent_id ON customer_address (parent_id);
CREATE UNIQUE INDEX customer_address_zip_street ON customer_address (zip, street) WHERE zip IS NOT NULL;
CREATE INDEX customer_address_lower_street ON customer_address (lower(street), zip);
CREATE TRIGGER customer_address_touch AFTER UPDATE ON customer_address BEGIN SELECT 1; END;
CREATE TRIGGER customer_touch AFTER UPDATE ON customer BEGIN SELECT 1; END;
CREATE VIEW address_book AS SELECT street FROM customer_address;
CREATE VIEW city_book AS SELECT * FROM address_book;
)";

TEST_CASE("sqlite inspector: an empty database has an empty catalog", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  Connection conn = db.connect();
  SqliteInspector inspector(conn.session());
  const Catalog catalog = inspector.inspect({ref("customer"), ref("customer_address")});
  CHECK(catalog.tables.empty());
  CHECK(catalog.views.empty());
  CHECK(catalog.all_tables.empty());
  CHECK(inspector.queries_run() == 4);
}

TEST_CASE("sqlite inspector: columns, types, nullability, defaults and the rowid alias",
          "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kShopSchema);
  const Catalog catalog = inspect(db, {ref("customer_address")});
  REQUIRE(catalog.tables.size() == 1);
  const Table& t = catalog.tables.front();
  CHECK(t.ref == ref("customer_address"));

  std::vector<std::string> names;
  for (const Column& c : t.columns) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"id", "street", "zip", "score", "created", "weird",
                                          "untyped", "parent_id", "backup_id", "region_code",
                                          "region_country"});

  const Column& id = t.columns[0];
  CHECK(id.type == ColumnType::from_portable("integer"));
  CHECK(id.type.native == "INTEGER");
  CHECK_FALSE(id.nullable);  // SQLite reports notnull = 0 for the rowid alias
  CHECK(id.generated);
  CHECK(t.primary_key == std::vector<std::string>{"id"});

  CHECK(t.column("street")->type.portable == "text");
  CHECK_FALSE(t.column("street")->nullable);
  CHECK(t.column("street")->default_sql == "'unknown'");
  CHECK(t.column("zip")->type.native == "varchar( 10 )");
  CHECK(t.column("zip")->type.portable == "varchar(10)");
  CHECK(t.column("zip")->nullable);
  CHECK(t.column("score")->type.portable == "double");
  CHECK(t.column("score")->default_sql == "1 + 2");
  CHECK(t.column("created")->default_sql == "CURRENT_TIMESTAMP");
  CHECK(t.column("weird")->type.native == "INT");
  CHECK(t.column("weird")->type.portable.empty());
  CHECK(t.column("untyped")->type.native.empty());
  CHECK_FALSE(t.column("parent_id")->nullable);
  CHECK_FALSE(t.column("parent_id")->generated);
  CHECK_FALSE(t.without_rowid);
  CHECK_FALSE(t.autoincrement);
  CHECK(t.rebuild_unsafe.empty());
  CHECK(t.sql.rfind("CREATE TABLE customer_address (", 0) == 0);
}

TEST_CASE("sqlite inspector: foreign keys in declaration order", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kShopSchema);
  const Catalog catalog = inspect(db, {ref("customer_address")});
  const Table& t = catalog.tables.at(0);
  REQUIRE(t.foreign_keys.size() == 3);

  const ForeignKey& parent = t.foreign_keys[0];
  CHECK(parent.name.empty());  // the pragma does not report constraint names
  CHECK(parent.columns == std::vector<std::string>{"parent_id"});
  CHECK(parent.ref_table == "customer");
  CHECK(parent.ref_columns == std::vector<std::string>{"id"});
  CHECK(parent.on_delete == OnDelete::Cascade);
  CHECK(t.foreign_key_on("parent_id") == &parent);

  const ForeignKey& backup = t.foreign_keys[1];
  CHECK(backup.columns == std::vector<std::string>{"backup_id"});
  CHECK(backup.ref_columns.empty());  // REFERENCES customer: its primary key
  CHECK(backup.on_delete == OnDelete::SetNull);

  const ForeignKey& region = t.foreign_keys[2];
  CHECK(region.columns == std::vector<std::string>{"region_code", "region_country"});
  CHECK(region.ref_table == "region");
  CHECK(region.ref_columns == std::vector<std::string>{"code", "country"});
  CHECK(region.on_delete == OnDelete::Restrict);
}

TEST_CASE("sqlite inspector: indexes, triggers, views and all tables", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kShopSchema);
  const Catalog catalog = inspect(db, {ref("customer_address"), ref("customer"), ref("region")});
  REQUIRE(catalog.tables.size() == 3);
  const Table& address = catalog.tables[0];

  REQUIRE(address.indexes.size() == 3);
  const Index& by_parent = address.indexes[0];
  CHECK(by_parent.name == "customer_address_parent_id");
  CHECK(by_parent.columns == std::vector<std::string>{"parent_id"});
  CHECK_FALSE(by_parent.unique);
  CHECK_FALSE(by_parent.partial);
  CHECK(by_parent.sql == "CREATE INDEX customer_address_parent_id ON customer_address (parent_id)");
  CHECK(address.index_leading("parent_id") == &by_parent);

  const Index& zip_street = address.indexes[1];
  CHECK(zip_street.columns == std::vector<std::string>{"zip", "street"});
  CHECK(zip_street.unique);
  CHECK(zip_street.partial);
  const Index& expression = address.indexes[2];
  CHECK(expression.columns == std::vector<std::string>{"", "zip"});

  REQUIRE(address.triggers.size() == 1);
  CHECK(address.triggers[0].kind == "trigger");
  CHECK(address.triggers[0].name == "customer_address_touch");
  CHECK(address.triggers[0].table == "customer_address");
  CHECK(address.triggers[0].sql.find("AFTER UPDATE ON customer_address") != std::string::npos);

  // UNIQUE and the non-rowid primary key show up as automatic indexes: no sql.
  const Table& customer = catalog.tables[1];
  CHECK(customer.autoincrement);
  REQUIRE(customer.indexes.size() == 1);
  CHECK(customer.indexes[0].name == "sqlite_autoindex_customer_1");
  CHECK(customer.indexes[0].unique);
  CHECK(customer.indexes[0].columns == std::vector<std::string>{"email"});
  CHECK(customer.indexes[0].sql.empty());
  CHECK(customer.triggers.size() == 1);
  const Table& region = catalog.tables[2];
  CHECK(region.primary_key == std::vector<std::string>{"code", "country"});
  CHECK(region.column("code")->nullable);  // not a rowid alias: SQLite allows NULL here
  REQUIRE(region.indexes.size() == 1);
  CHECK(region.indexes[0].columns == region.primary_key);

  REQUIRE(catalog.views.size() == 2);
  CHECK(catalog.views[0].kind == "view");
  CHECK(catalog.views[0].name == "address_book");  // creation order: a base before its dependents
  CHECK(catalog.views[0].sql == "CREATE VIEW address_book AS SELECT street FROM customer_address");
  CHECK(catalog.views[1].name == "city_book");
  // sqlite_sequence (from AUTOINCREMENT) is SQLite's own, not a user table.
  CHECK(table_names(catalog.all_tables) ==
        std::vector<std::string>{"customer", "region", "customer_address"});
}

TEST_CASE("sqlite inspector: request order, missing tables and case-insensitive names",
          "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(kShopSchema);
  const Catalog catalog = inspect(
      db, {ref("region"), ref("nowhere"), ref("CUSTOMER"), ref("customer_address"), ref("region")});
  REQUIRE(catalog.tables.size() == 3);
  CHECK(catalog.tables[0].ref == ref("region"));
  // SQLite resolves CUSTOMER to customer; the Table keeps the requested name.
  CHECK(catalog.tables[1].ref == ref("CUSTOMER"));
  CHECK(catalog.tables[1].column("email") != nullptr);
  CHECK(catalog.tables[2].ref == ref("customer_address"));
  CHECK(catalog.find(ref("nowhere")) == nullptr);
}

TEST_CASE("sqlite inspector: hostile identifiers are read exactly", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  const std::vector<std::string> hostile = {"order",        "user",
                                            "Mixed Case",   "it's",
                                            "say \"hi\"",   "semi;colon -- DROP TABLE x;",
                                            "back\\slash",  "straße_адрес_地址",
                                            "[bracket]",    "tab\there",
                                            "json\"]', \"x"};
  for (const std::string& name : hostile) {
    const std::string q = "\"" + [&] {
      std::string out;
      for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      return out;
    }() + "\"";
    db.exec("CREATE TABLE " + q + " (\"id\" INTEGER PRIMARY KEY, " + q +
            " TEXT NOT NULL, \"ref\" INTEGER REFERENCES " + q + " (\"id\"))");
    db.exec("CREATE INDEX \"" + std::string("idx ") + std::to_string(&name - hostile.data()) +
            "\" ON " + q + " (" + q + ")");
  }
  db.exec("CREATE TABLE plain (id INTEGER PRIMARY KEY)");

  std::vector<TableRef> wanted;
  for (const std::string& name : hostile) wanted.push_back(ref(name));
  wanted.push_back(ref("x"));
  const Catalog catalog = inspect(db, wanted);
  REQUIRE(catalog.tables.size() == hostile.size());
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    INFO(hostile[i]);
    const Table& t = catalog.tables[i];
    CHECK(t.ref.name == hostile[i]);
    REQUIRE(t.columns.size() == 3);
    CHECK(t.columns[1].name == hostile[i]);
    CHECK_FALSE(t.columns[1].nullable);
    REQUIRE(t.foreign_keys.size() == 1);
    CHECK(t.foreign_keys[0].ref_table == hostile[i]);
    REQUIRE(t.indexes.size() == 1);
    CHECK(t.indexes[0].columns == std::vector<std::string>{hostile[i]});
    CHECK(t.rebuild_unsafe.empty());
  }
  CHECK(catalog.all_tables.size() == hostile.size() + 1);
}

TEST_CASE("sqlite inspector: WITHOUT ROWID tables", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID");
  const Catalog catalog = inspect(db, {ref("kv")});
  const Table& kv = catalog.tables.at(0);
  CHECK(kv.without_rowid);
  CHECK(kv.primary_key == std::vector<std::string>{"k"});
  CHECK_FALSE(kv.column("k")->generated);
  CHECK(kv.rebuild_unsafe.empty());
  REQUIRE(kv.indexes.size() == 1);  // the primary key itself
  CHECK(kv.indexes[0].sql.empty());
}

TEST_CASE("sqlite inspector: schema a rebuild cannot reproduce is flagged", "[sqlite][inspector]") {
  TestDatabase db(Dialect::Sqlite);
  db.exec(R"(
CREATE TABLE checked (id INTEGER PRIMARY KEY, qty INTEGER CHECK (qty > 0));
CREATE TABLE collated (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE);
CREATE TABLE computed (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE computed_short (id INTEGER PRIMARY KEY, a INTEGER, b AS (a + 1));
CREATE TABLE strict_one (id INTEGER PRIMARY KEY, a TEXT) STRICT;
CREATE TABLE on_update (id INTEGER PRIMARY KEY, p INTEGER REFERENCES checked ON UPDATE CASCADE);
CREATE TABLE conflict (id INTEGER PRIMARY KEY, a TEXT NOT NULL ON CONFLICT REPLACE);
CREATE TABLE desc_key (id INTEGER PRIMARY KEY DESC, a TEXT);
CREATE TABLE harmless ("check" TEXT DEFAULT 'COLLATE CHECK', "as" TEXT, /* CHECK */ b TEXT -- STRICT
);
)");
  const Catalog catalog = inspect(
      db, {ref("checked"), ref("collated"), ref("computed"), ref("computed_short"),
           ref("strict_one"), ref("on_update"), ref("conflict"), ref("desc_key"), ref("harmless")});
  REQUIRE(catalog.tables.size() == 9);
  auto reason = [&](const char* name) { return catalog.find(ref(name))->rebuild_unsafe; };
  CHECK(reason("checked") ==
        "CREATE TABLE uses CHECK constraint, which a rebuild from the model would drop");
  CHECK_THAT(reason("collated"), Catch::Contains("COLLATE clause"));
  CHECK(reason("computed") ==
        "CREATE TABLE uses generated column, which a rebuild from the model would drop");
  CHECK_THAT(reason("computed_short"), Catch::Contains("generated column"));
  CHECK_THAT(reason("strict_one"), Catch::Contains("STRICT table"));
  CHECK_THAT(reason("on_update"), Catch::Contains("ON UPDATE action"));
  CHECK_THAT(reason("conflict"), Catch::Contains("ON CONFLICT clause"));
  CHECK_THAT(reason("desc_key"), Catch::Contains("PRIMARY KEY DESC"));
  // Keywords inside names, strings and comments are not clauses.
  CHECK(reason("harmless").empty());

  const Table& computed = *catalog.find(ref("computed"));
  REQUIRE(computed.columns.size() == 3);  // generated columns are columns too
  CHECK(computed.column("b")->generated);
}

}  // namespace
}  // namespace addrmig
