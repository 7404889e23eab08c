// PostgresInspector against a real server: every catalog feature the planner
// relies on, hostile names, the fixed query budget, measured facts, and a
// round trip of rendered SQL back through the inspector.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/sql.h"
#include "lib/postgres/inspector.h"
#include "lib/postgres/renderer.h"
#include "tests/support/test_database.h"

namespace addrmig {
namespace {

using test::TestDatabase;
using Strings = std::vector<std::string>;

const Table& require_table(const Catalog& catalog, const TableRef& ref) {
  const Table* table = catalog.find(ref);
  INFO("table " << ref.display());
  REQUIRE(table != nullptr);
  return *table;
}

const Column& require_column(const Table& table, const std::string& name) {
  const Column* column = table.column(name);
  INFO("column " << name << " of " << table.ref.display());
  REQUIRE(column != nullptr);
  return *column;
}

const ForeignKey& require_fk(const Table& table, const std::string& name) {
  for (const ForeignKey& fk : table.foreign_keys)
    if (fk.name == name) return fk;
  FAIL("no foreign key " << name << " on " << table.ref.display());
  throw;  // unreachable: FAIL throws
}

const Index& require_index(const Table& table, const std::string& name) {
  for (const Index& index : table.indexes)
    if (index.name == name) return index;
  FAIL("no index " << name << " on " << table.ref.display());
  throw;
}

Strings names_of(const std::vector<Table>& tables) {
  Strings out;
  for (const Table& t : tables) out.push_back(t.ref.schema + "." + t.ref.name);
  return out;
}

Strings index_names(const Table& table) {
  Strings out;
  for (const Index& index : table.indexes) out.push_back(index.name);
  return out;
}

void execute_all(Connection& conn, const std::vector<Statement>& statements) {
  for (const Statement& statement : statements) conn.execute(statement.sql, statement.comment);
}

std::vector<Statement> render(const Change& change) {
  return PostgresRenderer().render(Step{change, {}});
}

}  // namespace

TEST_CASE("postgres inspector reads column types, nullability, defaults and generated keys",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TYPE "Mood Type" AS ENUM ('happy', 'sad');
    CREATE TABLE typed (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      big bigint NOT NULL,
      label text DEFAULT 'n/a',
      code varchar(40) NOT NULL,
      loose varchar,
      price numeric(10,2),
      ratio real,
      precise double precision,
      flag boolean NOT NULL DEFAULT false,
      born date,
      seen timestamp,
      seen_tz timestamp with time zone,
      token uuid,
      fixed char(5),
      small smallint,
      mood "Mood Type",
      doubled bigint GENERATED ALWAYS AS (big * 2) STORED
    );
    CREATE TABLE serial_keyed (id serial PRIMARY KEY, other bigserial);
    CREATE TABLE no_columns ();
  )");
  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  Catalog catalog = inspector.inspect({{"public", "typed"}, {"public", "serial_keyed"},
                                       {"public", "no_columns"}});

  const Table& typed = require_table(catalog, {"public", "typed"});
  Strings expected_names = {"id",  "big",     "label", "code", "loose",   "price",
                            "ratio", "precise", "flag",  "born", "seen",    "seen_tz",
                            "token", "fixed",   "small", "mood", "doubled"};
  Strings names;
  for (const Column& c : typed.columns) names.push_back(c.name);
  CHECK(names == expected_names);
  CHECK(typed.primary_key == Strings{"id"});

  struct Expected {
    const char* column;
    const char* portable;
    const char* native;
  };
  const Expected types[] = {
      {"id", "integer", "integer"},
      {"big", "bigint", "bigint"},
      {"label", "text", "text"},
      {"code", "varchar(40)", "character varying(40)"},
      {"loose", "text", "character varying"},
      {"price", "numeric(10,2)", "numeric(10,2)"},
      {"ratio", "real", "real"},
      {"precise", "double", "double precision"},
      {"flag", "boolean", "boolean"},
      {"born", "date", "date"},
      {"seen", "timestamp", "timestamp without time zone"},
      {"seen_tz", "", "timestamp with time zone"},
      {"token", "uuid", "uuid"},
      {"fixed", "", "character(5)"},
      {"small", "", "smallint"},
      {"mood", "", "\"Mood Type\""},
  };
  for (const Expected& e : types) {
    INFO("column " << e.column);
    const Column& column = require_column(typed, e.column);
    CHECK(column.type.portable == e.portable);
    CHECK(column.type.native == e.native);
  }

  const Column& id = require_column(typed, "id");
  CHECK(id.generated);
  CHECK_FALSE(id.nullable);
  CHECK(id.default_sql.empty());
  CHECK_FALSE(require_column(typed, "big").nullable);
  CHECK(require_column(typed, "label").nullable);
  CHECK(require_column(typed, "label").default_sql == "'n/a'::text");
  CHECK(require_column(typed, "flag").default_sql == "false");
  CHECK_FALSE(require_column(typed, "label").generated);
  // A stored generated column is computed, and its expression is no default.
  CHECK(require_column(typed, "doubled").generated);
  CHECK(require_column(typed, "doubled").default_sql.empty());

  const Table& serial_keyed = require_table(catalog, {"public", "serial_keyed"});
  const Column& serial_id = require_column(serial_keyed, "id");
  CHECK(serial_id.generated);
  CHECK(serial_id.type.portable == "integer");
  CHECK(serial_id.default_sql == "nextval('serial_keyed_id_seq'::regclass)");
  CHECK(require_column(serial_keyed, "other").generated);
  CHECK(require_column(serial_keyed, "other").type.portable == "bigint");

  const Table& no_columns = require_table(catalog, {"public", "no_columns"});
  CHECK(no_columns.columns.empty());
  CHECK(no_columns.primary_key.empty());
  // PostgreSQL needs none of the SQLite-only parts of the model.
  CHECK(catalog.views.empty());
  CHECK(typed.triggers.empty());
}

TEST_CASE("postgres inspector reads primary and foreign keys with targets, actions and validity",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE SCHEMA billing;
    CREATE TABLE billing.account (region text, number integer, PRIMARY KEY (number, region));
    CREATE TABLE parent (id integer PRIMARY KEY);
    CREATE TABLE child (
      id integer PRIMARY KEY,
      p_noaction integer CONSTRAINT fk_noaction REFERENCES parent (id),
      p_restrict integer CONSTRAINT fk_restrict REFERENCES parent ON DELETE RESTRICT,
      p_cascade integer CONSTRAINT fk_cascade REFERENCES parent (id) ON DELETE CASCADE,
      p_setnull integer CONSTRAINT fk_setnull REFERENCES parent (id) ON DELETE SET NULL,
      p_setdefault integer CONSTRAINT fk_setdefault REFERENCES parent (id) ON DELETE SET DEFAULT,
      acct_region text,
      acct_number integer,
      loose integer,
      CONSTRAINT "fk account" FOREIGN KEY (acct_region, acct_number)
        REFERENCES billing.account (region, number)
    );
    INSERT INTO child (id, loose) VALUES (1, 42);
    ALTER TABLE child ADD CONSTRAINT fk_unchecked FOREIGN KEY (loose) REFERENCES parent (id) NOT VALID;
  )");
  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  Catalog catalog = inspector.inspect({{"public", "child"}, {"billing", "account"}});

  const Table& account = require_table(catalog, {"billing", "account"});
  CHECK(account.primary_key == Strings{"number", "region"});  // key order, not column order
  CHECK(account.foreign_keys.empty());

  const Table& child = require_table(catalog, {"public", "child"});
  CHECK(child.primary_key == Strings{"id"});
  REQUIRE(child.foreign_keys.size() == 7);

  const std::pair<const char*, OnDelete> actions[] = {
      {"fk_noaction", OnDelete::NoAction}, {"fk_restrict", OnDelete::Restrict},
      {"fk_cascade", OnDelete::Cascade},   {"fk_setnull", OnDelete::SetNull},
      {"fk_setdefault", OnDelete::SetDefault}};
  for (const auto& [name, action] : actions) {
    INFO("foreign key " << name);
    const ForeignKey& fk = require_fk(child, name);
    CHECK(fk.on_delete == action);
    CHECK(fk.ref_schema == "public");
    CHECK(fk.ref_table == "parent");
    CHECK(fk.ref_columns == Strings{"id"});  // also when the DDL named no column
    CHECK(fk.validated);
  }
  CHECK(require_fk(child, "fk_cascade").columns == Strings{"p_cascade"});

  const ForeignKey& composite = require_fk(child, "fk account");
  CHECK(composite.columns == Strings{"acct_region", "acct_number"});
  CHECK(composite.ref_schema == "billing");
  CHECK(composite.ref_table == "account");
  CHECK(composite.ref_columns == Strings{"region", "number"});
  CHECK(composite.on_delete == OnDelete::NoAction);

  const ForeignKey& unchecked = require_fk(child, "fk_unchecked");
  CHECK_FALSE(unchecked.validated);
  CHECK(unchecked.columns == Strings{"loose"});
  // Several single-column keys on one column: foreign_key_on finds one of them.
  CHECK(child.foreign_key_on("p_setnull") == &require_fk(child, "fk_setnull"));
}

TEST_CASE("postgres inspector reads plain, unique, partial and expression indexes",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TABLE indexed (
      id integer PRIMARY KEY,
      a integer, b text, c text,
      CONSTRAINT indexed_b_key UNIQUE (b)
    );
    CREATE INDEX ix_plain ON indexed (a);
    CREATE INDEX ix_multi ON indexed (c, a);
    CREATE UNIQUE INDEX ix_unique ON indexed (a, b);
    CREATE INDEX ix_partial ON indexed (a) WHERE a > 0;
    CREATE INDEX ix_expression ON indexed (lower(c), a);
    CREATE INDEX ix_include ON indexed (b) INCLUDE (c);
  )");
  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  Catalog catalog = inspector.inspect({{"", "indexed"}});
  const Table& table = require_table(catalog, {"public", "indexed"});

  // The primary key's own index is the key, not an index of the table.
  CHECK(index_names(table) == Strings{"indexed_b_key", "ix_expression", "ix_include", "ix_multi",
                                      "ix_partial", "ix_plain", "ix_unique"});
  const Index& plain = require_index(table, "ix_plain");
  CHECK(plain.columns == Strings{"a"});
  CHECK_FALSE(plain.unique);
  CHECK_FALSE(plain.partial);
  CHECK(plain.sql == "CREATE INDEX ix_plain ON public.indexed USING btree (a)");

  CHECK(require_index(table, "ix_multi").columns == Strings{"c", "a"});
  CHECK(require_index(table, "ix_unique").unique);
  CHECK(require_index(table, "ix_unique").columns == Strings{"a", "b"});

  // A unique constraint's index is kept, with its definition for the planner.
  const Index& constraint_index = require_index(table, "indexed_b_key");
  CHECK(constraint_index.unique);
  CHECK(constraint_index.columns == Strings{"b"});
  CHECK(constraint_index.sql ==
        "CREATE UNIQUE INDEX indexed_b_key ON public.indexed USING btree (b)");

  const Index& partial = require_index(table, "ix_partial");
  CHECK(partial.partial);
  CHECK(partial.columns == Strings{"a"});

  CHECK(require_index(table, "ix_expression").columns == Strings{"", "a"});
  CHECK(require_index(table, "ix_include").columns == Strings{"b"});  // INCLUDE is no key

  // index_leading skips the partial index and finds a usable one.
  const Index* leading = table.index_leading("a");
  REQUIRE(leading != nullptr);
  CHECK(leading->name != "ix_partial");
}

TEST_CASE("postgres inspector reports an index a failed CREATE INDEX CONCURRENTLY left invalid",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE TABLE dup (id integer PRIMARY KEY, a integer);
    INSERT INTO dup VALUES (1, 7), (2, 7);
    CREATE INDEX ix_good ON dup (id, a);
  )");
  // The duplicate fails the build, and PostgreSQL keeps the index, invalid.
  CHECK_THROWS(db.exec("CREATE UNIQUE INDEX CONCURRENTLY ix_failed ON dup (a)"));
  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  const Catalog catalog = inspector.inspect({{"", "dup"}});
  const Table& table = require_table(catalog, {"public", "dup"});
  CHECK(index_names(table) == Strings{"ix_failed", "ix_good"});
  CHECK_FALSE(require_index(table, "ix_failed").valid);
  CHECK(require_index(table, "ix_failed").unique);
  CHECK(require_index(table, "ix_good").valid);
  // Never the index that serves a column: no query can use it.
  CHECK(table.index_leading("a") == nullptr);
}

TEST_CASE("postgres inspector keeps request order, omits absent tables and lists all tables",
          "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  db.exec(R"(
    CREATE SCHEMA other;
    CREATE TABLE zeta (id integer);
    CREATE TABLE alpha (id integer);
    CREATE TABLE other.alpha (id bigint);
    CREATE TABLE other.parted (id integer) PARTITION BY RANGE (id);
    CREATE TABLE other.parted_1 PARTITION OF other.parted FOR VALUES FROM (0) TO (10);
    CREATE VIEW alpha_view AS SELECT * FROM alpha;
    CREATE SCHEMA unrequested;
    CREATE TABLE unrequested.hidden (id integer);
  )");
  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  Catalog catalog = inspector.inspect({{"public", "zeta"},
                                       {"other", "missing"},
                                       {"other", "alpha"},
                                       {"", "alpha"},
                                       {"public", "zeta"},  // a duplicate request
                                       {"public", "alpha_view"},
                                       {"other", "parted"},
                                       {"nosuchschema", "zeta"}});

  CHECK(names_of(catalog.tables) ==
        Strings{"public.zeta", "other.alpha", "public.alpha", "other.parted"});
  CHECK(require_column(require_table(catalog, {"other", "alpha"}), "id").type.portable == "bigint");
  CHECK(require_column(require_table(catalog, {"public", "alpha"}), "id").type.portable == "integer");

  Strings all;
  for (const TableRef& ref : catalog.all_tables) all.push_back(ref.schema + "." + ref.name);
  CHECK(all == Strings{"other.alpha", "other.parted", "public.alpha", "public.zeta"});

  CHECK(inspector.inspect({}).tables.empty());
  CHECK_THROWS_WITH(inspector.inspect({{"public", "bad \xff name"}}),
                    "postgres inspector: a requested table or schema name is not valid UTF-8");
}

TEST_CASE("postgres inspector reads hostile identifiers exactly", "[postgres]") {
  // 63 bytes, the PostgreSQL limit, made of two-byte characters and one 'x'.
  std::string longest;
  for (int i = 0; i < 31; ++i) longest += "é";
  longest += "x";
  REQUIRE(longest.size() == 63);

  const std::string schema = "Sch \"ema\"; DROP SCHEMA public --";
  const Strings table_names = {"order", "Mixed Case", "semi;colon", "quote\"double",
                               "quote'single", "colon:name", "ünïcødé 表", longest};
  const std::string column = "user\"; DELETE FROM x; --";
  const std::string fk_name = "fk 'named' \"so\"";
  // Index names are unique per schema: one per table, each with a colon.
  auto index_name = [&](std::size_t i) { return "ix:" + std::to_string(i) + longest.substr(0, 40); };

  TestDatabase db(Dialect::Postgres);
  std::string ddl = "CREATE SCHEMA " + quote_ident(schema) + ";\n";
  for (std::size_t i = 0; i < table_names.size(); ++i) {
    const std::string table = quote_ident(schema) + "." + quote_ident(table_names[i]);
    ddl += "CREATE TABLE " + table + " (" + quote_ident("Id") + " integer PRIMARY KEY, " +
           quote_ident(column) + " integer NOT NULL, CONSTRAINT " + quote_ident(fk_name) +
           " FOREIGN KEY (" + quote_ident(column) + ") REFERENCES " + table + " (" +
           quote_ident("Id") + ") ON DELETE CASCADE);\n";
    ddl += "CREATE INDEX " + quote_ident(index_name(i)) + " ON " + table + " (" +
           quote_ident(column) + ");\n";
  }
  db.exec(ddl);

  Connection conn = db.connect();
  PostgresInspector inspector(conn.session());
  std::vector<TableRef> requests;
  for (const std::string& name : table_names) requests.push_back({schema, name});
  Catalog catalog = inspector.inspect(requests);

  REQUIRE(catalog.tables.size() == table_names.size());
  for (std::size_t i = 0; i < table_names.size(); ++i) {
    const Table& table = catalog.tables[i];
    INFO("table " << table_names[i]);
    CHECK(table.ref == TableRef{schema, table_names[i]});
    CHECK(table.primary_key == Strings{"Id"});
    CHECK(require_column(table, column).type.portable == "integer");
    const ForeignKey& fk = require_fk(table, fk_name);
    CHECK(fk.columns == Strings{column});
    CHECK(fk.ref_schema == schema);
    CHECK(fk.ref_table == table_names[i]);
    CHECK(fk.ref_columns == Strings{"Id"});
    CHECK(require_index(table, index_name(i)).columns == Strings{column});
  }
  CHECK(catalog.all_tables.size() == table_names.size());

  // Measuring quotes the same names in generated SQL.
  db.exec("INSERT INTO " + quote_ident(schema) + "." + quote_ident("order") + " VALUES (1, 1), (2, 1)");
  Facts facts = inspector.measure({{FactKind::RowCount, {schema, "order"}},
                                   {FactKind::Orphans, {schema, longest}, column, "Id",
                                    {schema, "quote\"double"}, "Id"}});
  CHECK(facts.facts.at(0).count == 2);
  CHECK(facts.facts.at(1).count == 0);
}

TEST_CASE("postgres rendered SQL runs and inspects back as what was rendered", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const std::string schema = "App Schema";
  db.exec("CREATE SCHEMA " + quote_ident(schema));
  Connection conn = db.connect();

  Table parent;
  parent.ref = {schema, "customer"};
  parent.columns = {{"id", ColumnType::from_portable("integer"), false, "", true},
                    {"name", ColumnType::from_portable("varchar(80)"), false, "", false}};
  parent.primary_key = {"id"};

  // The address table as an older tool left it: no FK, nullable parent_id.
  Table address;
  address.ref = {schema, "customer_address"};
  address.columns = {{"id", ColumnType::from_portable("bigint"), false, "", true},
                     {"street", ColumnType::from_portable("text"), false, "", false},
                     {"parent_id", ColumnType::from_portable("integer"), true, "", false}};
  address.primary_key = {"id"};

  execute_all(conn, render(CreateTable{parent}));
  execute_all(conn, render(CreateTable{address}));
  conn.execute("INSERT INTO " + quote_ident(schema) + ".customer (name) VALUES ('c1')");
  conn.execute("INSERT INTO " + quote_ident(schema) + ".customer_address (street, parent_id) "
               "VALUES ('123 anywhere street', 1)");

  ForeignKey fk;
  fk.name = "customer_address_parent_id_fkey";
  fk.columns = {"parent_id"};
  fk.ref_schema = schema;
  fk.ref_table = "customer";
  fk.ref_columns = {"id"};
  fk.on_delete = OnDelete::Cascade;
  fk.validated = false;
  execute_all(conn, render(AddForeignKey{address.ref, fk}));

  PostgresInspector inspector(conn.session());
  Catalog before_validation = inspector.inspect({address.ref});
  const Table& unvalidated = require_table(before_validation, address.ref);
  CHECK_FALSE(require_fk(unvalidated, fk.name).validated);

  Index index{"customer_address_parent_id_idx", {"parent_id"}, false, false, ""};
  Column zip{"zip", ColumnType::from_portable("varchar(10)"), false, quote_literal("n/a"), false};
  execute_all(conn, render(ValidateForeignKey{address.ref, fk.name}));
  execute_all(conn, render(SetNotNull{address.ref, "parent_id"}));
  execute_all(conn, render(CreateIndex{address.ref, index}));
  execute_all(conn, render(AddColumn{address.ref, zip}));

  Catalog catalog = inspector.inspect({parent.ref, address.ref});
  const Table& parent_found = require_table(catalog, parent.ref);
  CHECK(parent_found.primary_key == Strings{"id"});
  CHECK(require_column(parent_found, "id").generated);
  CHECK(require_column(parent_found, "name").type == parent.columns[1].type);

  const Table& found = require_table(catalog, address.ref);
  CHECK(found.primary_key == address.primary_key);
  Strings names;
  for (const Column& c : found.columns) names.push_back(c.name);
  CHECK(names == Strings{"id", "street", "parent_id", "zip"});
  for (const Column& rendered : {address.columns[0], address.columns[1], zip}) {
    const Column& inspected = require_column(found, rendered.name);
    INFO("column " << rendered.name);
    CHECK(inspected.type == rendered.type);
    CHECK(inspected.nullable == rendered.nullable);
    CHECK(inspected.generated == rendered.generated);
  }
  CHECK(require_column(found, "zip").default_sql == "'n/a'::character varying");
  CHECK_FALSE(require_column(found, "parent_id").nullable);

  REQUIRE(found.foreign_keys.size() == 1);
  const ForeignKey& fk_found = found.foreign_keys.front();
  fk.validated = true;
  CHECK(fk_found.name == fk.name);
  CHECK(fk_found.columns == fk.columns);
  CHECK(fk_found.ref_schema == fk.ref_schema);
  CHECK(fk_found.ref_table == fk.ref_table);
  CHECK(fk_found.ref_columns == fk.ref_columns);
  CHECK(fk_found.on_delete == fk.on_delete);
  CHECK(fk_found.validated);

  REQUIRE(found.indexes.size() == 1);
  CHECK(found.indexes.front().name == index.name);
  CHECK(found.indexes.front().columns == index.columns);
  CHECK_FALSE(found.indexes.front().unique);

  // Replacing a wrong FK: drop it, add the corrected one, no rows touched.
  fk.on_delete = OnDelete::Restrict;
  execute_all(conn, render(DropForeignKey{address.ref, fk.name}));
  execute_all(conn, render(AddForeignKey{address.ref, fk}));
  Catalog after_replace = inspector.inspect({address.ref});
  const Table& replaced = require_table(after_replace, address.ref);
  CHECK(require_fk(replaced, fk.name).on_delete == OnDelete::Restrict);
  CHECK(require_fk(replaced, fk.name).validated);
  CHECK(db.count("SELECT count(*) FROM " + quote_ident(schema) + ".customer_address") == 1);
}

TEST_CASE("postgres history table can be created twice", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  Connection conn = db.connect();
  const std::string create = dialect_of(Dialect::Postgres).history("public").create_table;
  conn.execute(create);
  conn.execute(create);
  conn.execute(
      "INSERT INTO addrmig_history (tool_version, config_checksum, sql_checksum, statement_count, "
      "duration_ms, source, dialect) VALUES ('0.1.0', 'c', 's', 3, 12, 'config', 'postgresql')");
  PostgresInspector inspector(conn.session());
  Catalog catalog = inspector.inspect({{"public", "addrmig_history"}});
  const Table& history = require_table(catalog, {"public", "addrmig_history"});
  Strings names;
  for (const Column& c : history.columns) names.push_back(c.name);
  CHECK(names == Strings{"id", "applied_at", "tool_version", "config_checksum", "sql_checksum",
                         "statement_count", "duration_ms", "source", "dialect", "run_id"});
  CHECK(require_column(history, "id").generated);
  CHECK(db.count("SELECT count(*) FROM addrmig_history WHERE applied_at <= now()") == 1);
}

}  // namespace addrmig
