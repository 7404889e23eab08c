#include "tests/integration/drift_fixtures.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "lib/sql.h"
#include "tests/support/cli.h"

// Most fixture SQL is the same on both dialects: lower-case `integer` and
// `text` mean the same on each (and `integer PRIMARY KEY` is SQLite's rowid
// alias). Where a real database of one dialect would differ, the scenario says so.

namespace addrmig::test {
namespace {

// ------------------------------------------------------------- configs ----

constexpr const char* kRelatedHead = R"([related]
name = "address"
foreign_key = "parent_id"
on_delete = "cascade"
columns = [
  { name = "street", type = "text" },
  { name = "city",   type = "text" },
  { name = "zip",    type = "text" },
)";

// The example's [related] (street, city, zip; ON DELETE CASCADE), any
// `extra_columns` lines appended, and one parent, customer.
std::string config_with(const std::string& extra_columns = "",
                        const std::string& parent_extra = "") {
  return std::string(kRelatedHead) + extra_columns + "]\n\n[[parents]]\ntable = \"customer\"\n" +
         parent_extra;
}

// configs/example.toml without its [database] table: customer and supplier.
std::string example_config_body() {
  const std::string text = read_file(source_dir() / "configs" / "example.toml");
  const auto related = text.find("[related]");
  REQUIRE(related != std::string::npos);
  return text.substr(related);
}

// ----------------------------------------------------------------- SQL ----

constexpr const char* kCustomer = R"(
CREATE TABLE customer (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customer (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger'), (4, 'Barbara');
)";

// Five addresses of customers 1 to 3; ids with a gap, a quote in a value.
constexpr const char* kAddressRows = R"(
INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES
  (1, '1 Main St', 'Springfield', '11111', 1),
  (2, '2 Elm St', 'Shelbyville', '22222', 1),
  (3, '3 Oak Ave', 'Ogdenville', '33333', 2),
  (10, '10 O''Neil Rd', 'North Haverbrook', '44444', 3),
  (11, '11 Pine Ct', 'Capital City', '55555', 3);
)";

constexpr const char* kFkIndex =
    "CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);\n";

// customer_address with the configured columns and `parent_id_clause` as the
// FK column's definition.
std::string address_table(const std::string& parent_id_clause,
                          const std::string& extra_columns = "") {
  return "CREATE TABLE customer_address (\n  id integer PRIMARY KEY,\n  street text NOT NULL,\n"
         "  city text NOT NULL,\n  zip text NOT NULL,\n" +
         extra_columns + "  parent_id " + parent_id_clause + "\n);\n";
}

std::string correct_address_table() {
  return address_table("integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE") + kFkIndex;
}

// ----------------------------------------------------------- scenarios ----

DriftScenario repaired(std::string name, std::string config, std::string sql) {
  return DriftScenario{std::move(name), std::move(config), std::move(sql), DriftOutcome::Repaired,
                       ""};
}

DriftScenario blocked(std::string name, std::string config, std::string sql,
                      std::string blocker_text) {
  return DriftScenario{std::move(name), std::move(config), std::move(sql), DriftOutcome::Blocked,
                       std::move(blocker_text)};
}

DriftScenario fk_missing() {
  return repaired("fk_missing", config_with(),
                  kCustomer + address_table("integer NOT NULL") + kFkIndex + kAddressRows);
}

// The FK goes to an older copy of the customers (same ids), not to customer.
// Replacing an FK that points elsewhere would change which parent each
// existing row means: blocked while the address table has rows.
DriftScenario fk_wrong_table() {
  return blocked("fk_wrong_table", config_with(),
                 kCustomer + std::string(R"(
CREATE TABLE client (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO client (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');
)") + address_table("integer NOT NULL REFERENCES client (id) ON DELETE CASCADE") +
                     kFkIndex + kAddressRows,
                 "would hand rows to other parents");
}

// With no rows there is nothing to re-parent: the FK is replaced.
DriftScenario fk_wrong_table_empty() {
  return repaired("fk_wrong_table_empty", config_with(),
                  kCustomer + std::string(R"(
CREATE TABLE client (id integer PRIMARY KEY, name text NOT NULL);
)") + address_table("integer NOT NULL REFERENCES client (id) ON DELETE CASCADE") +
                      kFkIndex);
}

DriftScenario fk_wrong_on_delete() {
  return repaired(
      "fk_wrong_on_delete", config_with(),
      kCustomer + address_table("integer NOT NULL REFERENCES customer (id) ON DELETE RESTRICT") +
          kFkIndex + kAddressRows);
}

// PostgreSQL: an FK someone added NOT VALID and never validated.
DriftScenario fk_not_valid() {
  return repaired("fk_not_valid", config_with(),
                  kCustomer + address_table("integer NOT NULL") + kFkIndex + kAddressRows +
                      "ALTER TABLE customer_address ADD CONSTRAINT customer_address_parent_id_fkey "
                      "FOREIGN KEY (parent_id) REFERENCES customer (id) ON DELETE CASCADE NOT "
                      "VALID;\n");
}

// SQLite: an FK retrofit of a table that has everything a rebuild must keep:
// an AUTOINCREMENT counter ahead of the largest id, a UNIQUE constraint, an
// extra index, a trigger, a view and a view on it, and another table whose FK
// references it.
DriftScenario rebuild_keeps_objects() {
  return repaired("rebuild_keeps_objects", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (
  id integer PRIMARY KEY AUTOINCREMENT,
  street text NOT NULL,
  city text NOT NULL,
  zip text NOT NULL,
  parent_id integer NOT NULL,
  UNIQUE (street, zip)
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
CREATE INDEX address_by_city ON customer_address (city);
CREATE TABLE address_log (address_id integer, old_city text, new_city text);
CREATE TRIGGER address_city_log AFTER UPDATE OF city ON customer_address
BEGIN INSERT INTO address_log VALUES (old.id, old.city, new.city); END;
CREATE VIEW addresses_per_city AS SELECT city, count(*) AS n FROM customer_address GROUP BY city;
CREATE VIEW busy_cities AS SELECT city FROM addresses_per_city WHERE n > 1;
CREATE TABLE delivery (
  id integer PRIMARY KEY,
  address_id integer NOT NULL REFERENCES customer_address (id),
  note text
);
)") + kAddressRows + R"(
INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES (20, 'gone', 'x', '0', 1);
DELETE FROM customer_address WHERE id = 20;
UPDATE customer_address SET city = 'Springfield' WHERE id = 2;
INSERT INTO delivery (id, address_id, note) VALUES
  (1, 1, 'front door'), (2, 10, NULL), (3, 10, 'ring twice');
)");
}

DriftScenario index_missing() {
  return repaired("index_missing", config_with(),
                  kCustomer +
                      address_table("integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE") +
                      kAddressRows);
}

DriftScenario column_missing_nullable() {
  return repaired("column_missing_nullable",
                  config_with("  { name = \"country\", type = \"text\", nullable = true },\n"),
                  kCustomer + correct_address_table() + kAddressRows);
}

DriftScenario column_missing_default() {
  return repaired("column_missing_default",
                  config_with("  { name = \"country\", type = \"text\", default = \"US\" },\n"),
                  kCustomer + correct_address_table() + kAddressRows);
}

// zip is NOT NULL without a default in the config and the table has rows.
DriftScenario column_missing_not_null_rows() {
  return blocked("column_missing_not_null_rows", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  parent_id integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
INSERT INTO customer_address (id, street, city, parent_id) VALUES
  (1, '1 Main St', 'Springfield', 1), (2, '2 Elm St', 'Shelbyville', 2);
)"),
                 "customer_address.zip is missing and is NOT NULL without a default, but the "
                 "table has 2 rows");
}

DriftScenario fk_nullable_no_nulls() {
  return repaired("fk_nullable_no_nulls", config_with(),
                  kCustomer + address_table("integer REFERENCES customer (id) ON DELETE CASCADE") +
                      kFkIndex + kAddressRows);
}

DriftScenario fk_nullable_with_nulls() {
  return blocked("fk_nullable_with_nulls", config_with(),
                 kCustomer + address_table("integer REFERENCES customer (id) ON DELETE CASCADE") +
                     kFkIndex + kAddressRows +
                     "UPDATE customer_address SET parent_id = NULL WHERE id IN (2, 10);\n",
                 "customer_address.parent_id has 2 NULL rows");
}

// Seven addresses of customers that were deleted while there was no FK.
DriftScenario orphans() {
  return blocked("orphans", config_with(),
                 kCustomer + address_table("integer NOT NULL") + kFkIndex + kAddressRows + R"(
INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES
  (30, 's', 'c', 'z', 90), (31, 's', 'c', 'z', 91), (32, 's', 'c', 'z', 92),
  (33, 's', 'c', 'z', 93), (34, 's', 'c', 'z', 94), (35, 's', 'c', 'z', 95),
  (36, 's', 'c', 'z', 96);
)",
                 "7 orphan rows (ids 30, 31, 32, 33, 34) reference no ");
}

// PostgreSQL: bigint against an integer key. SQLite: text against integer
// (another affinity; INT or BIGINT would match, see fk_bigint_affinity).
DriftScenario fk_type_mismatch(Dialect dialect) {
  const std::string type = dialect == Dialect::Sqlite ? "text" : "bigint";
  return blocked("fk_type_mismatch", config_with(),
                 kCustomer + address_table(type + " NOT NULL") + kFkIndex + kAddressRows,
                 "customer_address.parent_id is " + type + " but ");
}

// SQLite, as Django creates it: a bigint FK column to an integer key, here
// without its FK. Same affinity, so the rebuild keeps the column as it is.
DriftScenario fk_bigint_affinity() {
  return repaired("fk_bigint_affinity", config_with(),
                  kCustomer + address_table("bigint NOT NULL") + kFkIndex + kAddressRows);
}

// The FK index's name is taken by an index on another column.
DriftScenario index_name_taken() {
  return repaired("index_name_taken", config_with(),
                  kCustomer +
                      address_table("integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE") +
                      "CREATE INDEX customer_address_parent_id_idx ON customer_address (city);\n" +
                      kAddressRows);
}

// A configured column that allows NULL and holds some, against a NOT NULL config.
DriftScenario column_nullable_with_nulls() {
  return blocked("column_nullable_with_nulls", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text,
  zip text NOT NULL,
  parent_id integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
)") + kAddressRows + "UPDATE customer_address SET city = NULL WHERE id = 3;\n",
                 "customer_address.city has 1 NULL row (id 3); fill it or make the column nullable");
}

// An empty address table from an older config: zip and the FK column are
// missing, and NOT NULL without a default is fine on an empty table.
DriftScenario columns_missing_empty_table() {
  return repaired("columns_missing_empty_table", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (id integer PRIMARY KEY, street text NOT NULL, city text NOT NULL);
)"));
}

// PostgreSQL: a NOT VALID FK over rows whose customers are gone.
DriftScenario fk_not_valid_orphans() {
  return blocked("fk_not_valid_orphans", config_with(),
                 kCustomer + address_table("integer NOT NULL") + kFkIndex + kAddressRows +
                     "INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES "
                     "(40, 's', 'c', 'z', 77);\n"
                     "ALTER TABLE customer_address ADD CONSTRAINT customer_address_parent_id_fkey "
                     "FOREIGN KEY (parent_id) REFERENCES customer (id) ON DELETE CASCADE NOT "
                     "VALID;\n",
                 "1 orphan row (id 40) references no ");
}

// PostgreSQL: parent and addresses in their own schema.
DriftScenario schema_fk_missing() {
  return repaired("schema_fk_missing", config_with("", "schema = \"crm\"\n"), R"(
CREATE SCHEMA crm;
CREATE TABLE crm.customer (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO crm.customer (id, name) VALUES (1, 'Ada'), (2, 'Grace');
CREATE TABLE crm.customer_address (
  id integer PRIMARY KEY, street text NOT NULL, city text NOT NULL, zip text NOT NULL,
  parent_id integer NOT NULL
);
INSERT INTO crm.customer_address (id, street, city, zip, parent_id) VALUES
  (1, '1 Main St', 'Springfield', '11111', 1), (2, '2 Elm St', 'Shelbyville', '22222', 2);
)");
}

// SQLite: a CHECK constraint the model does not capture, so the FK retrofit
// (a rebuild from the model) would drop it: blocked, never silently lost.
DriftScenario rebuild_unsafe() {
  return blocked(
      "rebuild_unsafe", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  zip text NOT NULL CHECK (length(zip) = 5),
  parent_id integer NOT NULL
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
)") + kAddressRows,
      "customer_address needs a table rebuild (add foreign key) but cannot be rebuilt safely");
}

DriftScenario column_type_differs() {
  return blocked("column_type_differs", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  zip integer NOT NULL,
  parent_id integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE
);
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES
  (1, '1 Main St', 'Springfield', 11111, 1), (2, '2 Elm St', 'Shelbyville', 22222, 2);
)"),
                 "customer_address.zip is integer but the config says text");
}

// A table that happens to be called customer_address: blog posts.
DriftScenario not_address_table() {
  return blocked("not_address_table", config_with(), kCustomer + std::string(R"(
CREATE TABLE customer_address (id integer PRIMARY KEY, title text NOT NULL, body text);
INSERT INTO customer_address (id, title, body) VALUES
  (1, 'Hello', 'first post'), (2, 'Again', NULL);
)"),
                 "it is not an address table");
}

// Correct, plus what other tools left behind: informational only.
DriftScenario extras_only() {
  return DriftScenario{
      "extras_only", config_with(),
      kCustomer +
          address_table("integer NOT NULL REFERENCES customer (id) ON DELETE CASCADE",
                        "  note text,\n") +
          kFkIndex + kAddressRows + R"(
UPDATE customer_address SET note = 'gate code 1234' WHERE id = 3;
CREATE INDEX customer_address_city ON customer_address (city);
CREATE TABLE legacy_address (id integer PRIMARY KEY, line text);
INSERT INTO legacy_address (id, line) VALUES (1, '1 Old Road, Oldtown');
)",
      DriftOutcome::Informational, ""};
}

DriftScenario parent_without_pk() {
  return blocked("parent_without_pk", config_with(), R"(
CREATE TABLE customer (id integer, name text NOT NULL);
INSERT INTO customer (id, name) VALUES (1, 'Ada'), (2, 'Grace');
)",
                 "has no single-column primary key (found: none)");
}

// The addresses reference customers by their code, and the config says so.
DriftScenario parent_key_override() {
  return repaired("parent_key_override", config_with("", "key = \"code\"\n"), R"(
CREATE TABLE customer (id integer PRIMARY KEY, code text NOT NULL UNIQUE, name text NOT NULL);
INSERT INTO customer (id, code, name) VALUES (1, 'C-001', 'Ada'), (2, 'C-002', 'Grace');
CREATE TABLE customer_address (
  id integer PRIMARY KEY,
  street text NOT NULL,
  city text NOT NULL,
  zip text NOT NULL,
  parent_id text NOT NULL
);
INSERT INTO customer_address (id, street, city, zip, parent_id) VALUES
  (1, '1 Main St', 'Springfield', '11111', 'C-001'),
  (2, '2 Elm St', 'Shelbyville', '22222', 'C-002'),
  (3, '3 Oak Ave', 'Ogdenville', '33333', 'C-002');
)");
}

// What the reference example (SQLAlchemy 1.4, table per related) created,
// with its rows: nullable VARCHAR columns, a nullable FK without ON DELETE,
// no index. tests/data/drift/sqlalchemy.<dialect>.ddl.sql is its DDL verbatim.
DriftScenario sqlalchemy(Dialect dialect) {
  const std::string ddl =
      read_file(source_dir() / "tests" / "data" / "drift" /
                ("sqlalchemy." + std::string(dialect_name(dialect)) + ".ddl.sql"));
  REQUIRE(!ddl.empty());
  // Inserted the way the example's session does it: ids from the database.
  return repaired("sqlalchemy", example_config_body(), ddl + R"(
INSERT INTO customer (name) VALUES ('customer 1');
INSERT INTO customer_address (street, city, zip, parent_id) VALUES
  ('123 anywhere street', 'New York', '10110', 1),
  ('40 main street', 'San Francisco', '95732', 1);
INSERT INTO supplier (company_name) VALUES ('Ace Hammers');
INSERT INTO supplier_address (street, city, zip, parent_id) VALUES
  ('2569 west elm', 'Detroit', '56785', 1);
)");
}

// Several drifts on one table, repaired by one plan.
DriftScenario combined() {
  return repaired("combined",
                  config_with("  { name = \"country\", type = \"text\", nullable = true },\n"),
                  kCustomer + address_table("integer REFERENCES customer (id)", "  note text,\n") +
                      kAddressRows);
}

}  // namespace

std::vector<DriftScenario> drift_scenarios(Dialect dialect) {
  std::vector<DriftScenario> out = {
      fk_missing(),
      fk_wrong_table(),
      fk_wrong_table_empty(),
      fk_wrong_on_delete(),
      index_missing(),
      index_name_taken(),
      column_missing_nullable(),
      column_missing_default(),
      column_missing_not_null_rows(),
      columns_missing_empty_table(),
      column_nullable_with_nulls(),
      fk_nullable_no_nulls(),
      fk_nullable_with_nulls(),
      orphans(),
      fk_type_mismatch(dialect),
      column_type_differs(),
      not_address_table(),
      extras_only(),
      parent_without_pk(),
      parent_key_override(),
      sqlalchemy(dialect),
      combined(),
  };
  const std::vector<DriftScenario> own =
      dialect == Dialect::Sqlite
          ? std::vector<DriftScenario>{rebuild_keeps_objects(), fk_bigint_affinity(),
                                       rebuild_unsafe()}
          : std::vector<DriftScenario>{fk_not_valid(), fk_not_valid_orphans(), schema_fk_missing()};
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

DriftScenario drift_scenario(Dialect dialect, const std::string& name) {
  for (DriftScenario& scenario : drift_scenarios(dialect))
    if (scenario.name == name) return scenario;
  FAIL("no drift scenario " << name);
  return {};
}

// -------------------------------------------------------------- dumps ----

namespace {

// (schema, table) of every user table, SQLite's AUTOINCREMENT counters
// (sqlite_sequence) included: a rebuild must keep them too.
std::vector<std::pair<std::string, std::string>> user_tables(TestDatabase& db) {
  std::vector<std::pair<std::string, std::string>> out;
  if (db.dialect() == Dialect::Sqlite) {
    for (std::string& name :
         db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND (name NOT LIKE "
                  "'sqlite_%' OR name = 'sqlite_sequence') ORDER BY name"))
      out.emplace_back("", std::move(name));
    return out;
  }
  const std::vector<std::string> schemas = db.query(
      "SELECT table_schema FROM information_schema.tables WHERE table_schema NOT IN "
      "('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' "
      "ORDER BY table_schema, table_name");
  const std::vector<std::string> names = db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN "
      "('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' "
      "ORDER BY table_schema, table_name");
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(schemas[i], names[i]);
  return out;
}

std::vector<std::string> table_columns(TestDatabase& db, const std::string& schema,
                                       const std::string& table) {
  if (db.dialect() == Dialect::Sqlite)
    return db.query("SELECT name FROM pragma_table_info(" + quote_literal(table) +
                    ") ORDER BY cid");
  return db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = " +
                  quote_literal(schema) + " AND table_name = " + quote_literal(table) +
                  " ORDER BY ordinal_position");
}

// One row per line; quote() keeps SQLite's storage class visible ('1' vs 1),
// so a rebuild that changed a value's type would show.
std::vector<std::string> table_rows(TestDatabase& db, const TableData& shape) {
  std::string select;
  for (const std::string& column : shape.columns) {
    if (!select.empty()) select += " || '|' || ";
    select += db.dialect() == Dialect::Sqlite
                  ? "quote(" + quote_ident(column) + ")"
                  : "coalesce(quote_literal(" + quote_ident(column) + "::text), 'NULL')";
  }
  std::vector<std::string> rows =
      db.query("SELECT " + select + " FROM " + quote_qualified(shape.schema, shape.table));
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

std::vector<TableData> snapshot_data(TestDatabase& db) {
  std::vector<TableData> out;
  for (const auto& [schema, table] : user_tables(db)) {
    TableData data{schema, table, table_columns(db, schema, table), {}};
    data.rows = table_rows(db, data);
    out.push_back(std::move(data));
  }
  return out;
}

std::vector<TableData> snapshot_data_like(TestDatabase& db, const std::vector<TableData>& before) {
  std::vector<TableData> out;
  for (const TableData& shape : before) {
    TableData data{shape.schema, shape.table, shape.columns, {}};
    data.rows = table_rows(db, data);
    out.push_back(std::move(data));
  }
  return out;
}

std::string data_dump(const std::vector<TableData>& data) {
  std::string out;
  for (const TableData& table : data) {
    out += "== " + (table.schema.empty() ? "" : table.schema + ".") + table.table + " (";
    for (std::size_t i = 0; i < table.columns.size(); ++i)
      out += (i ? ", " : "") + table.columns[i];
    out += ")\n";
    for (const std::string& row : table.rows) out += row + "\n";
  }
  return out;
}

}  // namespace addrmig::test
