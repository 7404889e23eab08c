#include "lib/planner.h"

#include <algorithm>
#include <unordered_set>
#include <variant>

#include "lib/planner/address_checks.h"
#include "lib/planner/desired.h"
#include "lib/planner/facts.h"
#include "lib/planner/parent_key.h"
#include "lib/planner/text.h"

// The planner compares what the config wants with what the inspector read and
// turns every difference into a Finding and, where it is safe, into Steps.
// It is pure: the only data it knows beyond the catalog are the Facts it asked
// for through fact_requests(). What differs between dialects reaches it as
// Capabilities, never as a question about which dialect it is.

namespace addrmig {
namespace {

using namespace planner;

class ParentPlanner {
 public:
  ParentPlanner(const ParentContext& ctx, FactLookup& facts) : ctx_(ctx), facts_(facts) {
    out_.parent = ctx.spec.table;
    out_.parent_table = ctx.parent;
    out_.address_table = ctx.address;
  }

  ParentPlan plan() {
    out_.relationship.fk_column = ctx_.fk_column();
    out_.relationship.on_delete = ctx_.config.related.on_delete;
    if (!schema_exists(ctx_.parent) || !schema_exists(ctx_.address)) return std::move(out_);
    const Table* parent = ctx_.catalog.find(ctx_.parent);
    const std::optional<ParentKey> key =
        parent ? existing_parent_key(ctx_.spec, *parent, ctx_.parent, out_.findings)
               : create_parent();
    if (key) {
      out_.relationship.key_column = key->column;
      out_.relationship.key_type = key->type.display();
      plan_address(*key);
      check_rights(parent);
      check_seeds(parent);
    }
    // A blocked parent changes nothing; its findings still list every blocker.
    if (out_.blocked()) out_.steps.clear();
    return std::move(out_);
  }

 private:
  void add(FindingKind kind, Severity severity, std::string column, std::string expected,
           std::string found, std::string message) {
    out_.findings.push_back(make_finding(kind, severity, ctx_.parent, std::move(column),
                                         std::move(expected), std::move(found),
                                         std::move(message)));
  }

  // PostgreSQL resolves every name in its schema; a schema that is not
  // there (or spelled in another case: names are case-sensitive) fails apply.
  bool schema_exists(const TableRef& ref) {
    if (!ctx_.catalog.schemas_known || schema_of(ref.schema)) return true;
    std::string hint;
    for (const Catalog::SchemaInfo& schema : ctx_.catalog.schemas)
      if (ascii_lower(schema.name) == ascii_lower(ref.schema)) hint = " (did you mean " + schema.name + "?)";
    if (std::none_of(out_.findings.begin(), out_.findings.end(),
                     [](const Finding& f) { return f.kind == FindingKind::SchemaMissing; }))
      add(FindingKind::SchemaMissing, Severity::Blocker, "", "schema " + ref.schema, "missing",
          "schema " + ref.schema + " does not exist" + hint +
              "; names are case-sensitive: fix schema in the config, or CREATE SCHEMA it first");
    return false;
  }

  const Catalog::SchemaInfo* schema_of(const std::string& name) const {
    for (const Catalog::SchemaInfo& schema : ctx_.catalog.schemas)
      if (schema.name == name) return &schema;
    return nullptr;
  }

  // A [[seed]] must be insertable into the tables as they are: every NOT
  // NULL column without a default needs a value. Found here, so `run` can
  // refuse before it commits a migration that its seed stage then fails.
  void check_seeds(const Table* parent) {
    const Table* address = ctx_.catalog.find(ctx_.address);
    for (const SeedSpec& seed : ctx_.config.seeds) {
      if (seed.parent != ctx_.spec.table) continue;
      const std::string at = ctx_.config.path + ":" + std::to_string(seed.line);
      if (parent)
        for (const Column& column : parent->columns)
          if (needs_value(column) && !column.generated && !names(seed.values, *parent, column.name))
            seed_blocker(column.name, "the [[seed]] at " + at + " gives no value for " +
                                          column_text(ctx_.parent, column.name) +
                                          ", which is NOT NULL without a default: add it to values");
      if (address) check_seed_addresses(seed, *address, at);
    }
  }

  void check_seed_addresses(const SeedSpec& seed, const Table& address, const std::string& at) {
    for (const Column& column : address.columns) {
      if (!needs_value(column) || column.generated || address.same_name(column.name, ctx_.fk_column())) continue;
      if (!is_seeded_address_column(address, column.name)) {
        seed_blocker(column.name, "the [[seed]] at " + at + " cannot insert addresses: " +
                                      column_text(ctx_.address, column.name) +
                                      " is NOT NULL without a default and not in [related] columns: "
                                      "add it there, or give it a default");
        continue;
      }
      // In [related] columns as nullable, but NOT NULL in the database.
      for (std::size_t i = 0; i < seed.addresses.size(); ++i)
        if (!names(seed.addresses[i], address, column.name)) {
          const int line = i < seed.address_lines.size() ? seed.address_lines[i] : seed.line;
          seed_blocker(column.name, "the [[seed]] address at " + ctx_.config.path + ":" + std::to_string(line) +
                                        " gives no value for " + column_text(ctx_.address, column.name) +
                                        ", which is NOT NULL without a default in the database: add it to the "
                                        "address");
          break;
        }
    }
  }

  static bool names(const Row& row, const Table& table, const std::string& column) {
    return std::any_of(row.begin(), row.end(),
                       [&](const FieldValue& field) { return table.same_name(field.column, column); });
  }

  bool is_seeded_address_column(const Table& address, const std::string& column) const {
    if (address.same_name(column, ctx_.fk_column())) return true;
    const auto& specs = ctx_.config.related.columns;
    return std::any_of(specs.begin(), specs.end(),
                       [&](const ColumnSpec& spec) { return address.same_name(spec.name, column); });
  }

  void seed_blocker(const std::string& column, std::string message) {
    // Not a blocker: apply does not seed. `run` refuses before applying.
    add(FindingKind::SeedIncomplete, Severity::Info, column, "a value", "none", std::move(message));
  }

  // What the plan does needs rights the role may lack; PostgreSQL checks
  // them only when the statement runs, so the plan checks them first.
  void check_rights(const Table* parent) {
    const Table* address = ctx_.catalog.find(ctx_.address);
    bool touches_address = false, adds_fk = false;
    std::vector<std::string> reported;  // schemas already named
    for (const Step& step : out_.steps) {
      const bool creates = std::holds_alternative<CreateTable>(step.change);
      if (creates) {
        const TableRef& ref = std::get<CreateTable>(step.change).table.ref;
        const Catalog::SchemaInfo* schema = schema_of(ref.schema);
        if (schema && !schema->can_create &&
            std::find(reported.begin(), reported.end(), ref.schema) == reported.end()) {
          reported.push_back(ref.schema);
          no_right("CREATE on schema " + ref.schema, "create " + ref.display());
        }
      }
      if (creates && std::get<CreateTable>(step.change).table.ref == ctx_.address) adds_fk = true;
      if (!creates) touches_address = true;
      if (std::holds_alternative<AddForeignKey>(step.change)) adds_fk = true;
    }
    if (address && touches_address && !address->owned)
      no_right("ownership of " + ctx_.address.display(),
               "alter " + ctx_.address.display() + " (only its owner or a member of the owning role may)",
               "run addrmig as the owner, make this role a member of the owning role, or ALTER TABLE " +
                   ctx_.address.display() + " OWNER TO it");
    if (address && touches_address && !address->alter_unsupported.empty())
      add(FindingKind::TableShape, Severity::Blocker, "", "a plain table", address->alter_unsupported,
          ctx_.address.display() + " is " + address->alter_unsupported +
              "; addrmig does not alter such a table: make the change by hand (or on the table it "
              "belongs to), then plan again");
    if (parent && adds_fk && !parent->can_reference)
      no_right("REFERENCES on " + ctx_.parent.display(),
               "add a foreign key to " + ctx_.parent.display());
  }

  void no_right(const std::string& right, const std::string& to_do,
                const std::string& remedy = "GRANT it, or run addrmig as a role that has it") {
    add(FindingKind::Privilege, Severity::Blocker, "", right, "not granted",
        "the current role lacks " + right + ", which it needs to " + to_do + ": " + remedy);
  }

  // A view, materialized view, foreign table, sequence or index holds the
  // name: CREATE TABLE would fail, and addrmig cannot attach an FK to it.
  bool name_taken(const TableRef& ref, const std::string& role) {
    const Catalog::NamedRelation* holder = name_holder(ctx_.catalog, ref, ctx_.caps);
    if (!holder) return false;
    const bool parent = role == "parent";
    add(FindingKind::NameTaken, Severity::Blocker, "", "a table or no object", holder->kind,
        role + " " + ref.display() + " is a " + holder->kind + ", not a table; addrmig needs a " +
            "table of that name to " + (parent ? "reference" : "hold the addresses") +
            ": point the config at a table (" + (parent ? "[[parents]] table" : "[related] name") +
            "), or rename the " + holder->kind);
    out_.findings.back().table = ref;
    return true;
  }

  std::optional<ParentKey> create_parent() {
    const std::string name = ctx_.parent.display();
    if (name_taken(ctx_.parent, "parent")) return std::nullopt;
    if (ctx_.spec.columns.empty()) {
      add(FindingKind::ParentMissing, Severity::Blocker, "", "table", "missing",
          "parent table " + name +
              " not found; create it, or give its [[parents]] entry "
              "columns so addrmig can create it");
      return std::nullopt;
    }
    if (ctx_.spec.key && *ctx_.spec.key != "id") {
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, *ctx_.spec.key, "id", *ctx_.spec.key,
          "parent table " + name + " is created with primary key id, but key = \"" +
              *ctx_.spec.key + "\"; remove key or create the table by hand");
      return std::nullopt;
    }
    add(FindingKind::ParentMissing, Severity::Change, "", "table", "missing",
        "parent table " + name + " not found; it will be created from its configured columns");
    out_.steps.push_back(Step{CreateTable{desired_parent_table(ctx_)}, "create table " + name});
    return ParentKey{"id", ColumnType::from_portable("integer"), true, true};
  }

  void plan_address(const ParentKey& key) {
    const Table* existing = ctx_.catalog.find(ctx_.address);
    if (!existing && name_taken(ctx_.address, "address table")) return;
    if (!existing) {
      out_.findings.push_back(
          make_finding(FindingKind::TableMissing, Severity::Change, ctx_.address, "", "table",
                       "missing", ctx_.address.display() + " not found; it will be created"));
      out_.steps.push_back(Step{CreateTable{desired_address_table(ctx_, key)},
                                "create table " + ctx_.address.display()});
      out_.steps.push_back(Step{CreateIndex{ctx_.address, desired_fk_index(ctx_)},
                                "index " + column_text(ctx_.address, ctx_.fk_column())});
      return;
    }
    for (Step& step : check_address_table(ctx_, key, *existing, facts_, out_.findings))
      out_.steps.push_back(std::move(step));
  }

  const ParentContext& ctx_;
  FactLookup& facts_;
  ParentPlan out_;
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// `*_<related>` tables in the database that no configured parent owns.
std::vector<Finding> extra_address_tables(const Config& config, const Catalog& catalog,
                                          const Capabilities& caps) {
  // A set, not a scan of the list: thousands of parents and tables would
  // otherwise compare every pair.
  std::unordered_set<std::string> owned;
  for (const TableRef& table : tables_to_inspect(config, caps))
    owned.insert(table.schema + '\0' + table.name);
  const std::string suffix = "_" + config.related.name;
  std::vector<Finding> out;
  for (TableRef table : catalog.all_tables) {
    if (table.name.size() <= suffix.size() || !ends_with(table.name, suffix)) continue;
    if (owned.count(table.schema + '\0' + table.name)) continue;
    table.schema_implied = caps.schemas && table.schema == caps.default_schema;
    out.push_back(make_finding(FindingKind::ExtraTable, Severity::Info, table, "", "", "table",
                               table.display() +
                                   " looks like an address table but no [[parents]] entry "
                                   "names it; reported only, never dropped"));
  }
  return out;
}

Plan plan_with(const Config& config, const Catalog& catalog, FactLookup& facts,
               const Capabilities& caps) {
  Plan plan;
  plan.dialect = caps.dialect;
  for (const ParentSpec& spec : config.parents) {
    const ParentContext ctx{
        config, spec, catalog, caps, parent_ref(spec, caps), address_ref(config, spec, caps)};
    plan.parents.push_back(ParentPlanner(ctx, facts).plan());
  }
  plan.findings = extra_address_tables(config, catalog, caps);
  return plan;
}

}  // namespace

TableRef parent_ref(const ParentSpec& parent, const Capabilities& caps) {
  std::string schema;
  if (caps.schemas) schema = parent.schema.empty() ? caps.default_schema : parent.schema;
  return TableRef{std::move(schema), parent.table, caps.schemas && parent.schema.empty()};
}

TableRef address_ref(const Config& config, const ParentSpec& parent, const Capabilities& caps) {
  TableRef ref = parent_ref(parent, caps);
  ref.name = config.address_table_name(parent);
  return ref;
}

std::vector<TableRef> tables_to_inspect(const Config& config, const Capabilities& caps) {
  std::vector<TableRef> out;
  for (const ParentSpec& parent : config.parents) {
    out.push_back(parent_ref(parent, caps));
    out.push_back(address_ref(config, parent, caps));
  }
  return out;
}

std::vector<FactRequest> fact_requests(const Config& config, const Catalog& catalog,
                                       const Capabilities& caps) {
  return draft_plan(config, catalog, caps).requests;
}

// A question can follow from the answer to another (no rows in the table ->
// the FK may be replaced -> count its orphans), so the questions are asked
// again, assuming every count so far is 0, until no new one comes up.
PlanDraft draft_plan(const Config& config, const Catalog& catalog, const Capabilities& caps) {
  PlanDraft draft;
  Facts assumed;
  for (bool first = true;; first = false) {
    FactLookup lookup(assumed, catalog);
    Plan plan = plan_with(config, catalog, lookup, caps);
    std::vector<FactRequest> asked = lookup.take_asked();
    if (first) draft.plan = std::move(plan);
    if (asked.size() <= assumed.facts.size()) {
      draft.requests = std::move(asked);
      return draft;
    }
    assumed.facts.clear();
    for (const FactRequest& request : asked) assumed.facts.push_back(Fact{request, 0, {}});
  }
}

Plan make_plan(const Config& config, const Catalog& catalog, const Facts& facts,
               const Capabilities& caps) {
  FactLookup lookup(facts, catalog);
  return plan_with(config, catalog, lookup, caps);
}

}  // namespace addrmig
