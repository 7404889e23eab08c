// Planner: table-driven drift scenarios on both capabilities, each compared
// with a golden description (tests/golden/planner/<case>.txt), each checked
// to ask for exactly the facts it uses, and each re-planned after a simulated
// apply, which must find nothing left to do (sqldef's idempotency phase).

#include "lib/planner.h"

#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "tests/unit/plan_describe.h"

namespace addrmig {
namespace {

Capabilities caps_for(Dialect dialect) {
  return dialect == Dialect::Sqlite ? sqlite_capabilities() : postgres_capabilities();
}

// ---------------------------------------------------------------- config ----

ColumnSpec column_spec(std::string name, std::string type, bool nullable = false) {
  ColumnSpec spec;
  spec.name = std::move(name);
  spec.type = std::move(type);
  spec.nullable = nullable;
  return spec;
}

ParentSpec parent_spec(std::string table, std::vector<ColumnSpec> columns) {
  ParentSpec spec;
  spec.table = std::move(table);
  spec.columns = std::move(columns);
  return spec;
}

// The example config: customer and supplier, street/city/zip.
Config config_for(std::vector<ParentSpec> parents) {
  Config config;
  config.related.name = "address";
  config.related.foreign_key = "parent_id";
  config.related.on_delete = OnDelete::Cascade;
  config.related.columns = {column_spec("street", "text"), column_spec("city", "text"),
                            column_spec("zip", "text")};
  config.parents = std::move(parents);
  return config;
}

Config customer_config() {
  return config_for({parent_spec("customer", {column_spec("name", "text")})});
}

Config example_config() {
  return config_for({parent_spec("customer", {column_spec("name", "text")}),
                     parent_spec("supplier", {column_spec("company_name", "text")})});
}

// --------------------------------------------- inspected tables (as read) ----

// Types as the inspectors report them: the native spelling plus the
// portable name when it is one.
ColumnType inspected(Dialect dialect, const std::string& portable) {
  if (dialect == Dialect::Postgres) {
    if (portable == "bigint") return ColumnType::from_native("bigint", portable);
    if (portable.rfind("varchar", 0) == 0)
      return ColumnType::from_native("character varying" + portable.substr(7), portable);
    return ColumnType::from_native(portable, portable);
  }
  std::string upper = portable;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return ColumnType::from_native(upper, portable);
}

Column column(Dialect dialect, std::string name, const std::string& type, bool nullable = false) {
  Column out;
  out.name = std::move(name);
  out.type = inspected(dialect, type);
  out.nullable = nullable;
  return out;
}

TableRef ref(Dialect dialect, std::string name) {
  return TableRef{dialect == Dialect::Postgres ? "public" : "", std::move(name)};
}

Index index(Dialect dialect, std::string name, std::vector<std::string> columns,
            bool unique = false) {
  Index out;
  out.name = name;
  out.columns = std::move(columns);
  out.unique = unique;
  if (dialect == Dialect::Sqlite) out.sql = "CREATE INDEX " + name;
  return out;
}

// How PostgreSQL reports a primary key's index; SQLite reports none for an
// INTEGER PRIMARY KEY.
void add_pk_index(Dialect dialect, Table& table) {
  if (dialect == Dialect::Postgres)
    table.indexes.push_back(Index{table.ref.name + "_pkey", table.primary_key, true, false, ""});
}

Table parent_table(Dialect dialect, const std::string& name,
                   const std::string& key_type = "integer") {
  Table table;
  table.ref = ref(dialect, name);
  Column id = column(dialect, "id", key_type);
  id.generated = true;
  table.columns = {id, column(dialect, "name", "text", true)};
  table.primary_key = {"id"};
  add_pk_index(dialect, table);
  return table;
}

ForeignKey address_fk(Dialect dialect, const std::string& parent) {
  ForeignKey fk;
  // SQLite's pragma reports no constraint names.
  if (dialect == Dialect::Postgres) fk.name = parent + "_address_parent_id_fkey";
  fk.columns = {"parent_id"};
  fk.ref_schema = dialect == Dialect::Postgres ? "public" : "";
  fk.ref_table = parent;
  fk.ref_columns = {"id"};
  fk.on_delete = OnDelete::Cascade;
  return fk;
}

// A correct address table, as an inspector reads it.
Table address_table(Dialect dialect, const std::string& parent) {
  Table table;
  table.ref = ref(dialect, parent + "_address");
  Column id = column(dialect, "id", "integer");
  id.generated = true;
  table.columns = {id, column(dialect, "street", "text"), column(dialect, "city", "text"),
                   column(dialect, "zip", "text"), column(dialect, "parent_id", "integer")};
  table.primary_key = {"id"};
  table.foreign_keys = {address_fk(dialect, parent)};
  add_pk_index(dialect, table);
  table.indexes.push_back(index(dialect, parent + "_address_parent_id_idx", {"parent_id"}));
  if (dialect == Dialect::Sqlite) table.sql = "CREATE TABLE " + table.ref.name;
  return table;
}

Catalog catalog_of(std::vector<Table> tables) {
  Catalog catalog;
  for (const Table& table : tables) catalog.all_tables.push_back(table.ref);
  catalog.tables = std::move(tables);
  return catalog;
}

Column* find_column(Table& table, const std::string& name) {
  for (Column& c : table.columns)
    if (c.name == name) return &c;
  return nullptr;
}

void drop_column(Table& table, const std::string& name) {
  std::erase_if(table.columns, [&](const Column& c) { return c.name == name; });
  std::erase_if(table.indexes, [&](const Index& i) { return i.columns.front() == name; });
  std::erase_if(table.foreign_keys,
                [&](const ForeignKey& fk) { return fk.columns.front() == name; });
}

// ----------------------------------------------------------------- facts ----

Fact row_count(Dialect dialect, const std::string& table, std::int64_t rows) {
  Fact fact;
  fact.request.kind = FactKind::RowCount;
  fact.request.table = ref(dialect, table);
  fact.count = rows;
  return fact;
}

Fact null_count(Dialect dialect, const std::string& table, const std::string& column,
                std::int64_t nulls) {
  Fact fact = row_count(dialect, table, nulls);
  fact.request.kind = FactKind::NullCount;
  fact.request.column = column;
  fact.request.id_column = "id";  // sampled by the table's key
  return fact;
}

Fact orphans(Dialect dialect, const std::string& parent, std::int64_t count,
             std::vector<std::string> samples = {}) {
  Fact fact;
  fact.request.kind = FactKind::Orphans;
  fact.request.table = ref(dialect, parent + "_address");
  fact.request.column = "parent_id";
  fact.request.id_column = "id";
  fact.request.parent = ref(dialect, parent);
  fact.request.parent_key = "id";
  fact.count = count;
  fact.samples = std::move(samples);
  return fact;
}

// ---------------------------------------------------------------- cases ----

struct Scenario {
  Config config;
  Catalog catalog;
  // Exactly what fact_requests must ask for, in order, with the answers.
  std::vector<Fact> facts;
};

// One drifted customer_address next to a correct customer.
Scenario drifted(Dialect d, const std::function<void(Table&)>& drift,
                 std::vector<Fact> facts = {}) {
  Table address = address_table(d, "customer");
  drift(address);
  return Scenario{customer_config(), catalog_of({parent_table(d, "customer"), address}),
                  std::move(facts)};
}

using ScenarioBuilder = std::function<Scenario(Dialect)>;

struct NamedScenario {
  std::string name;
  ScenarioBuilder build;
  std::vector<Dialect> dialects = {Dialect::Sqlite, Dialect::Postgres};
};

const std::vector<NamedScenario>& scenarios() {
  static const std::vector<NamedScenario> all = {
      {"all_missing",
       [](Dialect) {
         return Scenario{example_config(), {}, {}};
       }},
      {"all_ok",
       [](Dialect d) {
         return Scenario{example_config(),
                         catalog_of({parent_table(d, "customer"), address_table(d, "customer"),
                                     parent_table(d, "supplier"), address_table(d, "supplier")}),
                         {}};
       }},
      {"parent_missing_no_columns",
       [](Dialect) {
         return Scenario{config_for({parent_spec("customer", {})}), {}, {}};
       }},
      {"parent_without_pk",
       [](Dialect d) {
         Table parent = parent_table(d, "customer");
         parent.primary_key.clear();
         parent.indexes.clear();
         return Scenario{customer_config(), catalog_of({parent}), {}};
       }},
      {"composite_pk",
       [](Dialect d) {
         Table parent = parent_table(d, "customer");
         parent.columns.push_back(column(d, "region", "text"));
         parent.primary_key = {"id", "region"};
         return Scenario{customer_config(), catalog_of({parent}), {}};
       }},
      {"key_override",
       [](Dialect d) {
         Table parent = parent_table(d, "customer");
         parent.columns.push_back(column(d, "code", "varchar(20)"));
         parent.indexes.push_back(index(d, "customer_code_key", {"code"}, true));
         Config config = customer_config();
         config.parents[0].key = "code";
         return Scenario{config, catalog_of({parent}), {}};
       }},
      {"key_not_unique",
       [](Dialect d) {
         Config config = customer_config();
         config.parents[0].key = "name";
         return Scenario{config, catalog_of({parent_table(d, "customer")}), {}};
       }},
      {"fk_missing",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys.clear(); }, {orphans(d, "customer", 0)});
       }},
      {"fk_missing_orphans",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys.clear(); },
                        {orphans(d, "customer", 3, {"4", "7", "9"})});
       }},
      {"fk_wrong_target",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys[0].ref_table = "client"; },
                        {row_count(d, "customer_address", 0), orphans(d, "customer", 0)});
       }},
      {"fk_wrong_on_delete",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys[0].on_delete = OnDelete::NoAction; },
                        {orphans(d, "customer", 0)});
       }},
      {"fk_not_valid",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys[0].validated = false; },
                        {orphans(d, "customer", 0)});
       },
       {Dialect::Postgres}},
      {"fk_not_valid_orphans",
       [](Dialect d) {
         return drifted(d, [](Table& t) { t.foreign_keys[0].validated = false; },
                        {orphans(d, "customer", 1, {"12"})});
       },
       {Dialect::Postgres}},
      {"fk_nullable_no_nulls",
       [](Dialect d) {
         std::vector<Fact> facts{null_count(d, "customer_address", "parent_id", 0)};
         // A SQLite rebuild re-checks the FK it keeps: its orphans are counted.
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { find_column(t, "parent_id")->nullable = true; }, facts);
       }},
      {"fk_nullable_with_nulls",
       [](Dialect d) {
         std::vector<Fact> facts{null_count(d, "customer_address", "parent_id", 2)};
         // Asked while the counts are assumed 0 (a rebuild then re-checks the FK).
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { find_column(t, "parent_id")->nullable = true; }, facts);
       }},
      {"column_missing_nullable",
       [](Dialect d) {
         Scenario s = drifted(d, [](Table& t) { drop_column(t, "zip"); });
         s.config.related.columns[2].nullable = true;
         return s;
       }},
      {"column_missing_with_default",
       [](Dialect d) {
         Scenario s = drifted(d, [](Table& t) { drop_column(t, "zip"); });
         s.config.related.columns[2].default_value = Value{std::string("n/a")};
         return s;
       }},
      {"column_missing_not_null_empty",
       [](Dialect d) {
         std::vector<Fact> facts{row_count(d, "customer_address", 0)};
         // A SQLite rebuild re-checks the FK it keeps: its orphans are counted.
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { drop_column(t, "zip"); }, facts);
       }},
      {"column_missing_not_null_rows",
       [](Dialect d) {
         std::vector<Fact> facts{row_count(d, "customer_address", 12)};
         // Asked while the counts are assumed 0 (a rebuild then re-checks the FK).
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { drop_column(t, "zip"); }, facts);
       }},
      {"columns_missing_rows",  // one row count answers both columns; both block
       [](Dialect d) {
         return drifted(d,
                        [](Table& t) {
                          drop_column(t, "zip");
                          drop_column(t, "parent_id");
                        },
                        {row_count(d, "customer_address", 3)});
       }},
      {"column_type_differs",
       [](Dialect d) {
         return drifted(
             d, [d](Table& t) { find_column(t, "street")->type = inspected(d, "varchar(10)"); });
       }},
      {"column_set_not_null",
       [](Dialect d) {
         std::vector<Fact> facts{null_count(d, "customer_address", "city", 0)};
         // A SQLite rebuild re-checks the FK it keeps: its orphans are counted.
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { find_column(t, "city")->nullable = true; }, facts);
       }},
      {"column_nulls_block",
       [](Dialect d) {
         std::vector<Fact> facts{null_count(d, "customer_address", "city", 5)};
         // Asked while the counts are assumed 0 (a rebuild then re-checks the FK).
         if (d == Dialect::Sqlite) facts.push_back(orphans(d, "customer", 0));
         return drifted(d, [](Table& t) { find_column(t, "city")->nullable = true; }, facts);
       }},
      // PostgreSQL needs the exact type; SQLite the same affinity (text is
      // another one, bigint is not: see fk_same_affinity).
      {"fk_type_mismatch",
       [](Dialect d) {
         Scenario s = drifted(d, [](Table&) {});
         s.catalog.tables[0] =
             parent_table(d, "customer", d == Dialect::Sqlite ? "text" : "bigint");
         return s;
       }},
      {"fk_same_affinity",
       [](Dialect d) {
         Scenario s = drifted(d, [](Table&) {});
         s.catalog.tables[0] = parent_table(d, "customer", "bigint");
         return s;
       },
       {Dialect::Sqlite}},
      {"not_address_table",
       [](Dialect d) {
         Table other;
         other.ref = ref(d, "customer_address");
         other.columns = {column(d, "id", "integer"), column(d, "label", "text"),
                          column(d, "kind", "integer")};
         other.primary_key = {"id"};
         return Scenario{customer_config(), catalog_of({parent_table(d, "customer"), other}), {}};
       }},
      {"extras_informational",
       [](Dialect d) {
         Scenario s = drifted(d, [d](Table& t) {
           t.columns.push_back(column(d, "note", "text", true));
           t.indexes.push_back(index(d, "customer_address_city_idx", {"city"}));
           if (d == Dialect::Sqlite)  // an automatic UNIQUE index: not reported
             t.indexes.push_back(
                 Index{"sqlite_autoindex_customer_address_1", {"street"}, true, false, ""});
         });
         s.config.related.columns[2].nullable = true;  // zip is NOT NULL in the table
         s.catalog.all_tables.push_back(ref(d, "legacy_address"));
         s.catalog.all_tables.push_back(ref(d, "addrmig_history"));
         return s;
       }},
      {"rebuild_unsafe",
       [](Dialect d) {
         return drifted(d,
                        [](Table& t) {
                          t.foreign_keys.clear();
                          t.rebuild_unsafe =
                              "CREATE TABLE uses CHECK constraint, which a rebuild from the "
                              "model would drop";
                        },
                        {orphans(d, "customer", 0)});
       },
       {Dialect::Sqlite}},
      {"index_missing",
       [](Dialect d) {
         return drifted(d, [](Table& t) {
           std::erase_if(t.indexes,
                         [](const Index& i) { return i.columns.front() == "parent_id"; });
         });
       }},
      // The FK index's name belongs to an index on another column.
      {"index_name_taken",
       [](Dialect d) {
         return drifted(d, [d](Table& t) {
           std::erase_if(t.indexes,
                         [](const Index& i) { return i.columns.front() == "parent_id"; });
           t.indexes.push_back(index(d, "customer_address_parent_id_idx", {"city"}));
         });
       }},
      {"fk_column_missing_empty",
       [](Dialect d) {
         return drifted(d, [](Table& t) { drop_column(t, "parent_id"); },
                        {row_count(d, "customer_address", 0)});
       }},
      {"fk_column_missing_rows",
       [](Dialect d) {
         return drifted(d, [](Table& t) { drop_column(t, "parent_id"); },
                        {row_count(d, "customer_address", 5)});
       }},
      {"sqlite_implicit_fk_target",
       [](Dialect d) {
         return drifted(d, [](Table& t) {
           t.foreign_keys[0].ref_columns.clear();
           t.foreign_keys[0].ref_table = "Customer";
         });
       },
       {Dialect::Sqlite}},
      {"drift_everywhere",
       [](Dialect d) {
         Scenario s = drifted(
             d,
             [d](Table& t) {
               drop_column(t, "parent_id");
               t.columns.push_back(column(d, "parent_id", "integer", true));
               find_column(t, "street")->nullable = true;
               drop_column(t, "zip");
               t.columns.push_back(column(d, "note", "text", true));
               t.triggers.push_back(SchemaObject{"trigger", "customer_address_touch",
                                                 "customer_address", "CREATE TRIGGER"});
             },
             {null_count(d, "customer_address", "street", 0),
              null_count(d, "customer_address", "parent_id", 0), orphans(d, "customer", 0)});
         s.config.related.columns[2].nullable = true;
         s.catalog.views = {
             SchemaObject{"view", "customer_cities", "",
                          "CREATE VIEW customer_cities AS SELECT city FROM Customer_Address"},
             SchemaObject{"view", "unrelated", "", "CREATE VIEW unrelated AS SELECT 1"}};
         return s;
       }},
      {"parent_created_address_present",
       [](Dialect d) {
         Table address = address_table(d, "customer");
         address.foreign_keys.clear();
         return Scenario{
             customer_config(), catalog_of({address}), {row_count(d, "customer_address", 0)}};
       }},
      {"parent_created_address_rows",
       [](Dialect d) {
         Table address = address_table(d, "customer");
         address.foreign_keys.clear();
         return Scenario{
             customer_config(), catalog_of({address}), {row_count(d, "customer_address", 4)}};
       }},
      {"long_names",
       [](Dialect) {
         // 55 bytes each: "<name>_address" is exactly PostgreSQL's 63, the
         // generated FK and index names are not and must stay distinct.
         const std::string stem(54, 'p');
         return Scenario{config_for({parent_spec(stem + "a", {column_spec("name", "text")}),
                                     parent_spec(stem + "b", {column_spec("name", "text")})}),
                         {},
                         {}};
       }},
  };
  return all;
}

std::vector<FactRequest> requests_of(const std::vector<Fact>& facts) {
  std::vector<FactRequest> out;
  for (const Fact& fact : facts) out.push_back(fact.request);
  return out;
}

std::string describe_requests(const std::vector<FactRequest>& requests) {
  std::string out;
  for (const FactRequest& r : requests)
    out += std::to_string(static_cast<int>(r.kind)) + " " + r.table.schema + "." + r.table.name + "." +
           r.column + " id=" + r.id_column + " parent=" + r.parent.schema + "." + r.parent.name + "." +
           r.parent_key + "\n";
  return out;
}

bool only_info(const std::vector<Finding>& findings) {
  return std::all_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::Info; });
}

}  // namespace

TEST_CASE("planner scenarios match their golden plans and re-plan to nothing", "[planner]") {
  for (const NamedScenario& scenario : scenarios()) {
    for (Dialect dialect : scenario.dialects) {
      const std::string name = scenario.name + "." + std::string(dialect_name(dialect));
      DYNAMIC_SECTION(name) {
        const Capabilities caps = caps_for(dialect);
        const Scenario s = scenario.build(dialect);

        // The planner asks for exactly the facts the scenario answers.
        CHECK(describe_requests(fact_requests(s.config, s.catalog, caps)) ==
              describe_requests(requests_of(s.facts)));

        const Plan plan = make_plan(s.config, s.catalog, Facts{s.facts}, caps);
        test::check_golden(name, test::describe_plan(plan));
        if (plan.blocked()) {
          CHECK(plan.step_count() == 0);
          CHECK_FALSE(plan.pending());
          continue;
        }

        // After apply, the same config finds nothing to do and nothing to measure.
        const Catalog after = test::apply_to_catalog(s.catalog, plan, caps);
        CHECK(fact_requests(s.config, after, caps).empty());
        const Plan replan = make_plan(s.config, after, Facts{}, caps);
        INFO(test::describe_plan(replan));
        CHECK(replan.step_count() == 0);
        CHECK_FALSE(replan.pending());
        for (const ParentPlan& parent : replan.parents) {
          CHECK(only_info(parent.findings));
          CHECK(parent.status() == ParentStatus::Ok);
        }
      }
    }
  }
}

TEST_CASE("tables_to_inspect lists each parent, then its address table, in config order",
          "[planner]") {
  Config config = example_config();
  config.parents[1].schema = "sales";

  CHECK(tables_to_inspect(config, postgres_capabilities()) ==
        std::vector<TableRef>{{"public", "customer"},
                              {"public", "customer_address"},
                              {"sales", "supplier"},
                              {"sales", "supplier_address"}});
  CHECK(
      tables_to_inspect(config, sqlite_capabilities()) ==
      std::vector<TableRef>{
          {"", "customer"}, {"", "customer_address"}, {"", "supplier"}, {"", "supplier_address"}});

  config.related.name = "addr";
  CHECK(address_ref(config, config.parents[0], postgres_capabilities()) ==
        TableRef{"public", "customer_addr"});
}

TEST_CASE("the FK column copies the parent key's inspected type exactly", "[planner]") {
  const Dialect d = Dialect::Postgres;
  Table parent = parent_table(d, "customer");
  parent.columns[0].type = ColumnType::from_native("bigint", "bigint");
  const Plan plan = make_plan(customer_config(), catalog_of({parent}), {}, postgres_capabilities());

  REQUIRE(plan.parents.size() == 1);
  REQUIRE(plan.parents[0].steps.size() == 2);
  const auto& create = std::get<CreateTable>(plan.parents[0].steps[0].change);
  const Column& fk = create.table.columns.back();
  CHECK(fk.name == "parent_id");
  CHECK(fk.type.portable == "bigint");
  CHECK(fk.type.native == "bigint");
  CHECK_FALSE(fk.nullable);
  CHECK(create.table.foreign_keys.at(0).validated);
}

TEST_CASE("config defaults become SQL literals in created columns", "[planner]") {
  Config config = customer_config();
  config.related.columns = {column_spec("street", "text"), column_spec("number", "integer"),
                            column_spec("active", "boolean"), column_spec("ratio", "double")};
  config.related.columns[0].default_value = Value{std::string("O'Hara")};
  config.related.columns[1].default_value = Value{std::int64_t{-7}};
  config.related.columns[2].default_value = Value{true};
  config.related.columns[3].default_value = Value{0.5};

  const Plan plan = make_plan(config, {}, {}, sqlite_capabilities());
  REQUIRE(plan.parents[0].steps.size() == 3);
  const auto& create = std::get<CreateTable>(plan.parents[0].steps[1].change);
  std::vector<std::string> defaults;
  for (const Column& c : create.table.columns) defaults.push_back(c.default_sql);
  CHECK(defaults == std::vector<std::string>{"", "'O''Hara'", "-7", "TRUE", "0.5", ""});
}

TEST_CASE("generated names stay within PostgreSQL's limit and never collide", "[planner]") {
  const std::string stem(54, 'x');
  const Config config = config_for({parent_spec(stem + "1", {column_spec("name", "text")}),
                                    parent_spec(stem + "2", {column_spec("name", "text")})});
  const Plan plan = make_plan(config, {}, {}, postgres_capabilities());

  std::set<std::string> names;
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps) {
      if (const auto* create = std::get_if<CreateTable>(&step.change))
        for (const ForeignKey& fk : create->table.foreign_keys) names.insert(fk.name);
      if (const auto* index = std::get_if<CreateIndex>(&step.change))
        names.insert(index->index.name);
    }
  CHECK(names.size() == 4);
  for (const std::string& name : names) CHECK(name.size() <= 63);

  // SQLite has no limit: the names are the plain ones.
  const Plan on_sqlite = make_plan(config, {}, {}, sqlite_capabilities());
  const auto& index = std::get<CreateIndex>(on_sqlite.parents[0].steps[2].change);
  CHECK(index.index.name == stem + "1_address_parent_id_idx");
}

TEST_CASE("a fact that was not measured blocks the parent instead of guessing", "[planner]") {
  for (Dialect d : {Dialect::Sqlite, Dialect::Postgres}) {
    Table address = address_table(d, "customer");
    address.foreign_keys.clear();
    find_column(address, "street")->nullable = true;
    const Plan plan =
        make_plan(customer_config(), catalog_of({parent_table(d, "customer"), address}), Facts{},
                  caps_for(d));
    REQUIRE(plan.blocked());
    CHECK(plan.step_count() == 0);
    const std::vector<const Finding*> blockers = plan.blockers();
    REQUIRE(blockers.size() == 2);  // every blocker, not just the first
    CHECK(blockers[0]->kind == FindingKind::ColumnNullability);
    CHECK(blockers[1]->kind == FindingKind::Orphans);
    CHECK(blockers[1]->message ==
          std::string() +
              "customer_address.parent_id: the orphan count was not measured, so the change cannot "
              "be checked; this is a bug, please report it");
  }
}

TEST_CASE("orphans are reported with their count and sample ids", "[planner]") {
  const Dialect d = Dialect::Postgres;
  Table address = address_table(d, "customer");
  address.foreign_keys.clear();
  const Plan plan = make_plan(customer_config(), catalog_of({parent_table(d, "customer"), address}),
                              Facts{{orphans(d, "customer", 3, {"4", "7", "9"})}}, caps_for(d));
  const std::vector<const Finding*> blockers = plan.blockers();
  REQUIRE(blockers.size() == 1);
  CHECK(blockers[0]->kind == FindingKind::Orphans);
  CHECK(blockers[0]->count == 3);
  CHECK(blockers[0]->samples == std::vector<std::string>{"4", "7", "9"});
  CHECK(blockers[0]->message ==
        "customer_address.parent_id: 3 orphan rows (ids 4, 7, 9) reference no "
        "customer row; fix or delete them before the foreign key can be added");
}

TEST_CASE("a blocked parent keeps the plan from being pending while others still list steps",
          "[planner]") {
  Config config = example_config();
  config.parents[0].columns.clear();  // customer missing and not creatable
  const Plan plan = make_plan(config, {}, {}, sqlite_capabilities());

  CHECK(plan.blocked());
  CHECK_FALSE(plan.pending());
  CHECK(plan.parents[0].status() == ParentStatus::Blocked);
  CHECK(plan.parents[0].steps.empty());
  CHECK(plan.parents[1].status() == ParentStatus::Create);
  CHECK(plan.step_count() == 3);
  CHECK(plan.tables() == std::vector<TableRef>{{"", "customer"},
                                               {"", "customer_address"},
                                               {"", "supplier"},
                                               {"", "supplier_address"}});
}

TEST_CASE("informational findings alone leave nothing pending", "[planner]") {
  Plan plan;
  ParentPlan parent;
  parent.findings.push_back(
      Finding{FindingKind::ExtraColumn, Severity::Info, {}, "note", "", "text", "", 0, {}});
  plan.parents.push_back(parent);
  CHECK_FALSE(plan.blocked());
  CHECK_FALSE(plan.pending());
  CHECK(plan.parents[0].status() == ParentStatus::Ok);
}

TEST_CASE("finding kinds, severities and statuses have distinct names", "[planner]") {
  std::set<std::string_view> kinds;
  for (int k = 0; k <= static_cast<int>(FindingKind::RebuildUnsafe); ++k)
    kinds.insert(finding_kind_name(static_cast<FindingKind>(k)));
  CHECK(kinds.size() == static_cast<std::size_t>(FindingKind::RebuildUnsafe) + 1);
  CHECK(finding_kind_name(FindingKind::ForeignKeyWrongOnDelete) == "foreign_key_wrong_on_delete");
  CHECK(severity_name(Severity::Blocker) == "blocker");
  CHECK(parent_status_name(ParentStatus::Create) == "create");
}

}  // namespace addrmig
