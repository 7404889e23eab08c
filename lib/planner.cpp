#include "lib/planner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_set>
#include <variant>

#include "lib/identifier.h"

// The planner compares what the config wants with what the inspector read and
// turns every difference into a Finding and, where it is safe, into Changes.
// It is pure: the only data it knows beyond the catalog are the Facts it asked
// for through fact_requests(), which runs the very same analysis with no facts
// and records the questions, so the two can never drift apart.

namespace addrmig {
namespace {

// ---------------------------------------------------------------- text ----

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// "customer_address.street", for messages (not SQL).
std::string column_text(const TableRef& table, std::string_view column) {
  return table.display() + "." + std::string(column);
}

// "customer(id)"; SQLite may leave the referenced columns implicit.
std::string target_text(const TableRef& table, const std::vector<std::string>& columns) {
  return table.display() + "(" + (columns.empty() ? "primary key" : join(columns, ", ")) + ")";
}

// "1 row", "3 rows".
std::string count_of(std::int64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string nullability_text(bool nullable) { return nullable ? "NULL" : "NOT NULL"; }

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The type affinity SQLite gives a declared type, by the rules of
// sqlite.org/datatype3.html#determination_of_column_affinity, in their order.
std::string sqlite_affinity(const ColumnType& type) {
  std::string declared = type.native.empty() ? type.portable : type.native;
  for (char& c : declared)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const auto has = [&](std::string_view part) { return declared.find(part) != std::string::npos; };
  if (has("INT")) return "INTEGER";
  if (has("CHAR") || has("CLOB") || has("TEXT")) return "TEXT";
  if (declared.empty() || has("BLOB")) return "BLOB";
  if (has("REAL") || has("FLOA") || has("DOUB")) return "REAL";
  return "NUMERIC";
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// ----------------------------------------------------- desired columns ----

// A config default as DDL text: strings quoted, numbers bare, booleans
// TRUE/FALSE (both dialects accept them). Non-finite doubles have no bare SQL
// spelling; PostgreSQL reads the quoted forms.
std::string default_sql(const Value& value) {
  struct Render {
    std::string operator()(const std::string& text) const { return quote_literal(text); }
    std::string operator()(std::int64_t number) const { return std::to_string(number); }
    std::string operator()(bool flag) const { return flag ? "TRUE" : "FALSE"; }
    std::string operator()(double number) const {
      if (std::isnan(number)) return quote_literal("NaN");
      if (std::isinf(number)) return quote_literal(number > 0 ? "Infinity" : "-Infinity");
      char buffer[64];
      const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
      return std::string(buffer, result.ptr);
    }
  };
  return std::visit(Render{}, value);
}

Column column_from_spec(const ColumnSpec& spec) {
  Column column;
  column.name = spec.name;
  column.type = ColumnType::from_portable(spec.type);
  column.nullable = spec.nullable;
  if (spec.default_value) column.default_sql = default_sql(*spec.default_value);
  return column;
}

// The surrogate key every table addrmig creates.
Column generated_id_column() {
  Column id;
  id.name = "id";
  id.type = ColumnType::from_portable("integer");
  id.nullable = false;
  id.generated = true;
  return id;
}

// ------------------------------------------------------------ findings ----

Finding make_finding(FindingKind kind, Severity severity, TableRef table, std::string column,
                     std::string expected, std::string found, std::string message) {
  Finding finding;
  finding.kind = kind;
  finding.severity = severity;
  finding.table = std::move(table);
  finding.column = std::move(column);
  finding.expected = std::move(expected);
  finding.found = std::move(found);
  finding.message = std::move(message);
  return finding;
}

// What holds `ref`'s name if it is not a table (a view, sequence, index...).
const Catalog::NamedRelation* name_holder(const Catalog& catalog, const TableRef& ref,
                                          const Capabilities& caps) {
  for (const Catalog::NamedRelation& relation : catalog.other_relations)
    if (relation.ref.schema == ref.schema &&
        (caps.fold_case_names ? ascii_lower(relation.ref.name) == ascii_lower(ref.name)
                              : relation.ref.name == ref.name))
      return &relation;
  return nullptr;
}

// Whether a new table or index may not take `name` in `schema`: any
// relation, table or (PostgreSQL) type already holds it.
bool name_in_use(const Catalog& catalog, const std::string& schema, const std::string& name,
                 const Capabilities& caps) {
  const TableRef ref{schema, name};
  if (name_holder(catalog, ref, caps)) return true;
  return std::any_of(catalog.all_tables.begin(), catalog.all_tables.end(), [&](const TableRef& table) {
    return table.schema == schema &&
           (caps.fold_case_names ? ascii_lower(table.name) == ascii_lower(name) : table.name == name);
  });
}

// `planned`, or the first of base_2, base_3, ... that `taken` leaves free.
template <typename Taken>
std::string free_name(const std::string& planned, const std::string& base, std::size_t max_bytes,
                      Taken taken) {
  if (!taken(planned)) return planned;
  for (int n = 2;; ++n) {
    std::string name = shorten_ident(base + "_" + std::to_string(n), max_bytes);
    if (!taken(name)) return name;
  }
}

// --------------------------------------------------------------- facts ----

// " (ids 3, 7)" naming sampled rows in a message; "" without samples.
std::string sample_ids(const std::string& id_column, const std::vector<std::string>& samples) {
  if (samples.empty()) return "";
  return " (" + id_column + (samples.size() == 1 ? " " : "s ") + join(samples, ", ") + ")";
}

FactRequest row_count_request(const TableRef& table) {
  FactRequest request;
  request.kind = FactKind::RowCount;
  request.table = table;
  return request;
}

// `id_column`: the rows' key, to sample up to 5 of the NULL rows by; empty
// when the table has no single-column key.
FactRequest null_count_request(const TableRef& table, const std::string& column,
                               const std::string& id_column) {
  FactRequest request;
  request.kind = FactKind::NullCount;
  request.table = table;
  request.column = column;
  request.id_column = id_column;
  return request;
}

// Answers the planner's questions from measured Facts and records every
// question asked, which is what fact_requests() returns.
class FactLookup {
 public:
  FactLookup(const Facts& facts, const Catalog& catalog) : facts_(facts), catalog_(catalog) {}

  // nullptr when not measured, and never asked when row-level security would
  // filter the rows counted (the count would be wrong, and with row_security
  // off the query fails): the caller blocks, naming RLS.
  const Fact* find(const FactRequest& request) {
    if (row_security_hides(request)) return nullptr;
    if (seen_.insert(identity(request)).second) asked_.push_back(request);
    return facts_.find(request);
  }
  // The table of `request` that row-level security filters, if any.
  const Table* row_security_hides(const FactRequest& request) const {
    for (const TableRef* ref : {&request.table, &request.parent}) {
      const Table* table = ref->name.empty() ? nullptr : catalog_.find(*ref);
      if (table && table->row_security_applies) return table;
    }
    return nullptr;
  }
  std::vector<FactRequest> take_asked() { return std::move(asked_); }

 private:
  // A set key for a request, so that thousands of parents stay linear.
  static std::string identity(const FactRequest& r) {
    const char separator = '\0';  // cannot occur in a name (quote_ident rejects it)
    std::string key = std::to_string(static_cast<int>(r.kind));
    for (const std::string* part : {&r.table.schema, &r.table.name, &r.column, &r.id_column,
                                    &r.parent.schema, &r.parent.name, &r.parent_key})
      (key += separator) += *part;
    return key;
  }

  const Facts& facts_;
  const Catalog& catalog_;
  std::vector<FactRequest> asked_;
  std::unordered_set<std::string> seen_;
};

// -------------------------------------------------------------- context ----

struct ParentContext {
  const Config& config;
  const ParentSpec& spec;
  const Catalog& catalog;
  const Capabilities& caps;
  TableRef parent;
  TableRef address;
};

// The parent column the address FK references.
struct ParentKey {
  std::string column;
  ColumnType type;
  bool is_primary_key = false;  // an FK with implicit ref columns (SQLite) points here
  bool parent_created = false;  // the parent is new, hence empty, in this plan
};

std::string fk_column_name(const ParentContext& ctx) { return ctx.config.related.foreign_key; }

ForeignKey desired_foreign_key(const ParentContext& ctx, const ParentKey& key) {
  const std::string fk = fk_column_name(ctx);
  ForeignKey out;
  out.name = shorten_ident(ctx.address.name + "_" + fk + "_fkey", ctx.caps.max_identifier_bytes);
  out.columns = {fk};
  out.ref_schema = ctx.parent.schema;
  out.ref_table = ctx.parent.name;
  out.ref_columns = {key.column};
  out.on_delete = ctx.config.related.on_delete;
  return out;
}

// CREATE INDEX fails when the planned name belongs to any relation of the
// schema (another index, a table, a sequence...): number it instead.
Index desired_fk_index(const ParentContext& ctx, const Table* existing = nullptr) {
  const std::string fk = fk_column_name(ctx);
  const std::string base = ctx.address.name + "_" + fk + "_idx";
  const auto taken = [&](const std::string& name) {
    if (existing && std::any_of(existing->indexes.begin(), existing->indexes.end(),
                                [&](const Index& index) { return index.name == name; }))
      return true;
    return name_in_use(ctx.catalog, ctx.address.schema, name, ctx.caps);
  };
  Index out;
  out.name = free_name(shorten_ident(base, ctx.caps.max_identifier_bytes), base,
                       ctx.caps.max_identifier_bytes, taken);
  out.columns = {fk};
  return out;
}

Column desired_fk_column(const ParentContext& ctx, const ParentKey& key) {
  Column column;
  column.name = fk_column_name(ctx);
  column.type = key.type;  // exactly the parent key's type, as inspected
  column.nullable = false;
  return column;
}

Table desired_address_table(const ParentContext& ctx, const ParentKey& key) {
  Table table;
  table.ref = ctx.address;
  table.columns.push_back(generated_id_column());
  for (const ColumnSpec& spec : ctx.config.related.columns)
    table.columns.push_back(column_from_spec(spec));
  table.columns.push_back(desired_fk_column(ctx, key));
  table.primary_key = {"id"};
  table.foreign_keys = {desired_foreign_key(ctx, key)};
  return table;
}

Step create_index_step(const ParentContext& ctx) {
  return Step{CreateIndex{ctx.address, desired_fk_index(ctx)},
              "index " + column_text(ctx.address, fk_column_name(ctx))};
}

// -------------------------------------------------------- address repair ----

// What an existing address table needs, as intents; emit() turns them into
// Changes the dialect can carry out (ALTER on PostgreSQL, a rebuild on SQLite).
struct Repairs {
  std::vector<Column> add_columns;  // config order, the FK column last
  std::vector<std::string> set_not_null;
  std::string drop_fk;  // a wrong FK replaced by add_fk
  std::optional<ForeignKey> add_fk;
  std::string validate_fk;  // a NOT VALID FK that is otherwise right
  std::optional<Index> add_index;
};

bool needs_value(const Column& column) { return !column.nullable && column.default_sql.empty(); }

class AddressRepair {
 public:
  AddressRepair(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                FactLookup& facts, std::vector<Finding>& findings)
      : ctx_(ctx), key_(key), existing_(existing), facts_(facts), findings_(findings) {}

  // Findings go to `findings`; the returned steps repair the Change ones.
  std::vector<Step> run() {
    if (!looks_like_address_table()) {
      blocker(FindingKind::NotAddressTable, "",
              "an address table (" + fk_column_name(ctx_) + " or the configured columns)",
              "neither",
              ctx_.address.display() + " exists but has neither the foreign key column " +
                  fk_column_name(ctx_) +
                  " nor any configured address column; it is not an address table: rename "
                  "it, or set another [related] name");
      return {};
    }
    for (const ColumnSpec& spec : ctx_.config.related.columns) check_related_column(spec);
    check_fk_column();
    check_fk_index();
    report_extras();
    return emit();
  }

 private:
  // ------------------------------------------------------------ findings --

  void add(FindingKind kind, Severity severity, std::string column, std::string expected,
           std::string found, std::string message) {
    findings_.push_back(make_finding(kind, severity, ctx_.address, std::move(column),
                                     std::move(expected), std::move(found), std::move(message)));
  }
  void blocker(FindingKind kind, std::string column, std::string expected, std::string found,
               std::string message) {
    add(kind, Severity::Blocker, std::move(column), std::move(expected), std::move(found),
        std::move(message));
  }
  std::string at(std::string_view column) const { return column_text(ctx_.address, column); }

  // A fact, or a blocker when it was not measured: deciding without it could
  // break a NOT NULL or FK constraint halfway through apply.
  std::optional<std::int64_t> measured(const FactRequest& request, FindingKind kind,
                                       const std::string& column, std::string_view what) {
    if (const Fact* fact = facts_.find(request)) return fact->count;
    not_measured(kind, column, what, request);
    return std::nullopt;
  }
  void not_measured(FindingKind kind, const std::string& column, std::string_view what,
                    const FactRequest& request) {
    if (const Table* hidden = facts_.row_security_hides(request)) {
      blocker(FindingKind::RowSecurity, column, "every row visible", "row-level security",
              at(column) + ": " + std::string(what) + " cannot be trusted: row-level security on " +
                  hidden->ref.display() +
                  " hides rows from this role; run addrmig as the table owner (without FORCE ROW "
                  "LEVEL SECURITY) or as a role with BYPASSRLS");
      return;
    }
    blocker(kind, column, "measured", "not measured",
            at(column) + ": " + std::string(what) +
                " was not measured, so the change cannot be checked; this is a bug, please "
                "report it");
  }

  std::optional<std::int64_t> row_count(const std::string& column) {
    return measured(row_count_request(ctx_.address), FindingKind::ColumnMissing, column,
                    "the row count");
  }

  // --------------------------------------------------------------- checks --

  bool looks_like_address_table() const {
    if (existing_.column(fk_column_name(ctx_))) return true;
    return std::any_of(ctx_.config.related.columns.begin(), ctx_.config.related.columns.end(),
                       [&](const ColumnSpec& spec) { return existing_.column(spec.name); });
  }

  void check_related_column(const ColumnSpec& spec) {
    const Column desired = column_from_spec(spec);
    const Column* found = existing_.column(spec.name);
    if (!found) {
      add_missing_column(desired);
      return;
    }
    if (!(found->type == desired.type) && same_sqlite_storage(found->type, desired.type))
      add(FindingKind::ColumnTypeDiffers, Severity::Info, spec.name, desired.type.display(),
          declared(found->type),
          at(spec.name) + " is declared " + declared(found->type) + ", the config says " +
              desired.type.display() + "; SQLite stores both with " +
              sqlite_affinity(desired.type) + " affinity, so it is left as it is");
    else if (!(found->type == desired.type))
      blocker(FindingKind::ColumnTypeDiffers, spec.name, desired.type.display(),
              found->type.display(),
              at(spec.name) + " is " + found->type.display() + " but the config says " +
                  desired.type.display() +
                  "; addrmig never changes a column type (it could truncate data): alter it "
                  "by hand or change the config");
    check_nullability(*found, desired.nullable, FindingKind::ColumnNullability);
  }

  // SQLite keeps a value by its column's affinity only: INT and integer,
  // VARCHAR(255) and text, DATETIME and timestamp store values alike.
  bool same_sqlite_storage(const ColumnType& found, const ColumnType& desired) const {
    return ctx_.caps.dialect == Dialect::Sqlite && !found.display().empty() &&
           sqlite_affinity(found) == sqlite_affinity(desired);
  }
  static std::string declared(const ColumnType& type) {
    return type.display().empty() ? "without a type" : type.display();
  }

  // Adds `column` unless that needs a value for rows that already exist.
  // Returns whether it will be added.
  bool add_missing_column(const Column& column) {
    const std::string expected = column.type.display() + " " + nullability_text(column.nullable);
    if (needs_value(column)) {
      const std::optional<std::int64_t> rows = row_count(column.name);
      if (!rows) return false;
      if (*rows > 0) {
        blocker(FindingKind::ColumnMissing, column.name, expected, "missing",
                at(column.name) +
                    " is missing and is NOT NULL without a default, but the table has " +
                    count_of(*rows, "row") + "; " + missing_column_hint(column));
        return false;
      }
    }
    add(FindingKind::ColumnMissing, Severity::Change, column.name, expected, "missing",
        at(column.name) + " is missing; it will be added");
    repairs_.add_columns.push_back(column);
    return true;
  }

  // Only a person knows which parent an existing address belongs to.
  std::string missing_column_hint(const Column& column) const {
    if (column.name == fk_column_name(ctx_))
      return "add it and set each row's " + ctx_.parent.display() + " by hand";
    return "give it a default or make it nullable in the config, or add and fill it by hand";
  }

  void check_nullability(const Column& found, bool want_nullable, FindingKind blocker_kind) {
    if (found.nullable == want_nullable) return;
    if (!found.nullable) {
      add(FindingKind::ColumnNullability, Severity::Info, found.name, "NULL", "NOT NULL",
          at(found.name) + " is NOT NULL but the config allows NULL; left as is");
      return;
    }
    const std::string id_column =
        existing_.primary_key.size() == 1 ? existing_.primary_key.front() : std::string();
    const FactRequest request = null_count_request(ctx_.address, found.name, id_column);
    const Fact* fact = facts_.find(request);
    const std::optional<std::int64_t> nulls =
        measured(request, blocker_kind, found.name, "the NULL count");
    if (!nulls) return;
    if (*nulls > 0) {
      const bool is_fk = existing_.same_name(found.name, fk_column_name(ctx_));
      const std::string them = *nulls == 1 ? "it" : "them";
      blocker(blocker_kind, found.name, "NOT NULL", count_of(*nulls, "NULL"),
              at(found.name) + " has " + count_of(*nulls, "NULL row") +
                  sample_ids(id_column, fact->samples) + "; " +
                  (is_fk ? "give " + them + " a " + ctx_.parent.display() +
                               " row or delete " + them
                         : "fill " + them + " or make the column nullable in the config") +
                  " before it can be set NOT NULL");
      findings_.back().count = *nulls;
      findings_.back().samples = fact->samples;
      return;
    }
    add(FindingKind::ColumnNullability, Severity::Change, found.name, "NOT NULL", "NULL",
        at(found.name) + " allows NULL but holds none; it will be set NOT NULL");
    repairs_.set_not_null.push_back(found.name);
  }

  void check_fk_column() {
    const std::string fk = fk_column_name(ctx_);
    const Column* found = existing_.column(fk);
    if (!found) {
      // NOT NULL without a default: only possible on an empty table, which
      // also means there is nothing to check before adding the FK.
      if (add_missing_column(desired_fk_column(ctx_, key_)))
        repairs_.add_fk = desired_foreign_key(ctx_, key_);
      return;
    }
    if (!fk_type_matches(found->type)) {
      // An FK between different types fails or compares by conversion; the
      // orphan check cannot run either, so nothing else about the FK is judged.
      blocker(FindingKind::ForeignKeyTypeMismatch, fk, key_.type.display(), found->type.display(),
              at(fk) + " is " + declared(found->type) + " but " +
                  column_text(ctx_.parent, key_.column) + " is " + key_.type.display() +
                  "; the foreign key column must have " +
                  (ctx_.caps.dialect == Dialect::Sqlite ? "the parent key's type affinity"
                                                        : "exactly the parent key's type") +
                  " and addrmig never changes a column type: alter it by hand");
      return;
    }
    check_nullability(*found, false, FindingKind::NullForeignKeys);
    check_fk_constraint();
  }

  // SQLite applies the parent key's affinity to the child value before it
  // compares them (sqlite.org/foreignkeys.html), so INT, BIGINT and INTEGER
  // columns hold and match the same keys: only another affinity is a
  // mismatch there. PostgreSQL needs exactly the parent key's type.
  bool fk_type_matches(const ColumnType& type) const {
    if (type == key_.type) return true;
    return ctx_.caps.dialect == Dialect::Sqlite &&
           sqlite_affinity(type) == sqlite_affinity(key_.type);
  }

  bool references_key(const ForeignKey& fk) const {
    // SQLite table names are case-insensitive and its FKs carry no schema.
    const bool same_table =
        ctx_.caps.schemas ? fk.ref_schema == ctx_.parent.schema && fk.ref_table == ctx_.parent.name
                          : ascii_lower(fk.ref_table) == ascii_lower(ctx_.parent.name);
    const bool same_columns = existing_.same_names(fk.ref_columns, {key_.column}) ||
                              (fk.ref_columns.empty() && key_.is_primary_key);
    return same_table && same_columns;
  }

  void check_fk_constraint() {
    const std::string fk_column = fk_column_name(ctx_);
    const ForeignKey desired = desired_foreign_key(ctx_, key_);
    const std::string expected_target = target_text(ctx_.parent, desired.ref_columns);
    const ForeignKey* found = chosen_foreign_key(desired);
    if (found) report_other_foreign_keys(*found, desired);
    if (!found) {
      add(FindingKind::ForeignKeyMissing, Severity::Change, fk_column, expected_target, "none",
          at(fk_column) + " has no foreign key to " + expected_target + "; it will be added");
      if (no_orphans("added")) repairs_.add_fk = desired;
      return;
    }
    const std::string name = found->name.empty() ? "on " + at(fk_column) : found->name;
    const bool target_ok = references_key(*found);
    const bool on_delete_ok = found->on_delete == desired.on_delete;
    if (!target_ok) {
      // The schema is named whenever it could be mistaken for the parent's.
      const std::string found_target =
          target_text(TableRef{found->ref_schema, found->ref_table,
                               ctx_.caps.schemas && found->ref_schema == ctx_.caps.default_schema &&
                                   ctx_.parent.schema == ctx_.caps.default_schema},
                      found->ref_columns);
      const bool same_table = ctx_.caps.schemas
                                  ? found->ref_schema == ctx_.parent.schema && found->ref_table == ctx_.parent.name
                                  : ascii_lower(found->ref_table) == ascii_lower(ctx_.parent.name);
      // Each value means a row of the old target: pointing the FK elsewhere
      // hands existing rows to other parents, so only an empty table is safe.
      const std::optional<std::int64_t> rows = measured(
          row_count_request(ctx_.address), FindingKind::ForeignKeyWrongTarget, fk_column, "the row count");
      if (!rows) return;
      if (*rows > 0) {
        blocker(FindingKind::ForeignKeyWrongTarget, fk_column, expected_target, found_target,
                "foreign key " + name + " references " + found_target + " instead of " +
                    expected_target + "; each of the " + count_of(*rows, "row") + " of " +
                    ctx_.address.display() + " means a row of " + found_target +
                    ", so replacing it would hand rows to other parents: " +
                    (same_table ? "set key in the [[parents]] entry to the column it references, or "
                                : "") +
                    "rewrite " + fk_column + " to " + expected_target +
                    " values and replace the foreign key by hand");
        return;
      }
      add(FindingKind::ForeignKeyWrongTarget, Severity::Change, fk_column, expected_target,
          found_target,
          "foreign key " + name + " references " + found_target + " instead of " + expected_target +
              "; the table is empty, so it will be replaced");
    }
    if (!on_delete_ok) {
      const std::string expected = "ON DELETE " + std::string(on_delete_sql(desired.on_delete));
      const std::string found_rule = "ON DELETE " + std::string(on_delete_sql(found->on_delete));
      add(FindingKind::ForeignKeyWrongOnDelete, Severity::Change, fk_column, expected, found_rule,
          "foreign key " + name + " is " + found_rule + " instead of " + expected +
              "; it will be replaced");
    }
    if (!target_ok || !on_delete_ok) {
      if (no_orphans("added")) {
        repairs_.drop_fk = found->name;
        repairs_.add_fk = desired;
        // What the config does not set stays as the user made it.
        repairs_.add_fk->on_update = found->on_update;
        repairs_.add_fk->deferrable = found->deferrable;
        repairs_.add_fk->initially_deferred = found->initially_deferred;
        repairs_.add_fk->match_full = found->match_full;
      }
      return;
    }
    if (!found->validated) {
      add(FindingKind::ForeignKeyNotValidated, Severity::Change, fk_column, "validated",
          "NOT VALID", "foreign key " + name + " is NOT VALID; it will be validated");
      if (no_orphans("validated")) repairs_.validate_fk = found->name;
    }
  }

  // The FK addrmig judges when the column has several: one that is already
  // right, else one to the right target, else the first.
  const ForeignKey* chosen_foreign_key(const ForeignKey& desired) const {
    const ForeignKey* first = nullptr;
    const ForeignKey* to_key = nullptr;
    for (const ForeignKey& fk : existing_.foreign_keys) {
      if (!existing_.same_names(fk.columns, {fk_column_name(ctx_)})) continue;
      if (!first) first = &fk;
      if (references_key(fk)) {
        if (fk.on_delete == desired.on_delete) return &fk;
        if (!to_key) to_key = &fk;
      }
    }
    return to_key ? to_key : first;
  }

  // Every other FK on the column acts too: on DELETE of a parent the
  // strictest one wins, and each must find its own parent row. One that
  // repeats the chosen FK is harmless; any other contradicts the config.
  void report_other_foreign_keys(const ForeignKey& chosen, const ForeignKey& desired) {
    const std::string fk_column = fk_column_name(ctx_);
    for (const ForeignKey& fk : existing_.foreign_keys) {
      if (&fk == &chosen || !existing_.same_names(fk.columns, {fk_column})) continue;
      const std::string target = target_text(
          TableRef{fk.ref_schema, fk.ref_table, ctx_.caps.schemas && fk.ref_schema == ctx_.caps.default_schema},
          fk.ref_columns);
      const std::string rule = "ON DELETE " + std::string(on_delete_sql(fk.on_delete));
      if (references_key(fk) && fk.on_delete == desired.on_delete) {
        add(FindingKind::ForeignKeyConflict, Severity::Info, fk_column, "", fk.name,
            "foreign key " + fk.name + " on " + at(fk_column) + " repeats " + chosen.name +
                " (" + target + " " + rule + "); reported only, never dropped");
        continue;
      }
      blocker(FindingKind::ForeignKeyConflict, fk_column, "one foreign key on " + fk_column,
              fk.name + " -> " + target + " " + rule,
              "foreign key " + fk.name + " on " + at(fk_column) + " also references " + target +
                  " " + rule + ", which contradicts the config (" +
                  target_text(ctx_.parent, desired.ref_columns) + " ON DELETE " +
                  std::string(on_delete_sql(desired.on_delete)) +
                  "): both would act on every row; drop " + fk.name + " by hand, then plan again");
    }
  }

  // Orphans are checked against the right target before any FK is added,
  // replaced or validated, so apply never fails halfway on them.
  bool no_orphans(std::string_view action) {
    const std::string fk = fk_column_name(ctx_);
    if (key_.parent_created) return no_rows_for_new_parent();
    const std::string id_column =
        existing_.primary_key.size() == 1 ? existing_.primary_key.front() : fk;
    FactRequest request;
    request.kind = FactKind::Orphans;
    request.table = ctx_.address;
    request.column = fk;
    request.id_column = id_column;
    request.parent = ctx_.parent;
    request.parent_key = key_.column;
    const Fact* fact = facts_.find(request);
    if (!fact) {
      not_measured(FindingKind::Orphans, fk, "the orphan count", request);
      return false;
    }
    if (fact->count == 0) return true;
    const std::string ids = sample_ids(id_column, fact->samples);
    blocker(FindingKind::Orphans, fk, "0 orphans", count_of(fact->count, "orphan"),
            at(fk) + ": " + count_of(fact->count, "orphan row") + ids +
                (fact->count == 1 ? " references" : " reference") + " no " + ctx_.parent.display() +
                " row; fix or delete " + (fact->count == 1 ? "it" : "them") +
                " before the foreign key can be " + std::string(action));
    findings_.back().count = fact->count;
    findings_.back().samples = fact->samples;
    return false;
  }

  // The parent is created empty by this plan, so any address row would be an
  // orphan; the parent table cannot be queried yet, the row count tells.
  bool no_rows_for_new_parent() {
    const std::string fk = fk_column_name(ctx_);
    const std::optional<std::int64_t> rows =
        measured(row_count_request(ctx_.address), FindingKind::Orphans, fk, "the row count");
    if (!rows) return false;
    if (*rows == 0) return true;
    blocker(FindingKind::Orphans, fk, "0 orphans", count_of(*rows, "orphan"),
            at(fk) + ": " + count_of(*rows, "row") + " but " + ctx_.parent.display() +
                " does not exist yet, so every row would be an orphan; create and fill " +
                ctx_.parent.display() + " first");
    findings_.back().count = *rows;
    return false;
  }

  // The PK counts as the FK index when it leads with the FK column.
  const Index* fk_index() const { return existing_.index_leading(fk_column_name(ctx_)); }
  bool fk_indexed() const {
    const std::string fk = fk_column_name(ctx_);
    return fk_index() ||
           (!existing_.primary_key.empty() && existing_.same_name(existing_.primary_key.front(), fk));
  }

  void check_fk_index() {
    if (fk_indexed()) return;
    const Index index = desired_fk_index(ctx_, &existing_);
    const std::string fk = fk_column_name(ctx_);
    add(FindingKind::IndexMissing, Severity::Change, fk, index.name, "none",
        at(fk) + " has no index; " + index.name + " will be created");
    repairs_.add_index = index;
  }

  // ---------------------------------------------------------------- extras --

  bool is_configured_column(const std::string& name) const {
    if (existing_.same_name(name, "id") || existing_.same_name(name, fk_column_name(ctx_))) return true;
    const auto& specs = ctx_.config.related.columns;
    return std::any_of(specs.begin(), specs.end(),
                       [&](const ColumnSpec& spec) { return existing_.same_name(spec.name, name); });
  }

  // Indexes addrmig neither wants nor minds: not the FK index, not the
  // primary key's, and not SQLite's automatic ones (no SQL: they belong to a
  // PRIMARY KEY or UNIQUE constraint).
  bool is_extra_index(const Index& index) const {
    if (&index == fk_index()) return false;
    if (index.unique && existing_.same_names(index.columns, existing_.primary_key)) return false;
    if (ctx_.caps.dialect == Dialect::Sqlite && index.sql.empty()) return false;
    return true;
  }

  void report_extras() {
    for (const Column& column : existing_.columns)
      if (!is_configured_column(column.name))
        add(FindingKind::ExtraColumn, Severity::Info, column.name, "", column.type.display(),
            at(column.name) + " is not in the config; reported only, never dropped");
    for (const Index& index : existing_.indexes)
      if (!index.valid)
        add(FindingKind::IndexInvalid, Severity::Info, join(index.columns, ", "), "valid", "invalid",
            "index " + index.name + " on " + ctx_.address.display() + " (" +
                join(index.columns, ", ") +
                ") is invalid (a failed CREATE INDEX CONCURRENTLY): no query uses it; reported "
                "only, never dropped: drop it or REINDEX it");
      else if (is_extra_index(index))
        add(FindingKind::ExtraIndex, Severity::Info, join(index.columns, ", "), "", index.name,
            "index " + index.name + " on " + ctx_.address.display() + " (" +
                join(index.columns, ", ") + ") is not in the config; reported only, never dropped");
  }

  // ------------------------------------------------------------------ emit --

  // ADD CONSTRAINT fails on a name another constraint of the table has
  // (a CHECK named like the FK, say); the FK being replaced frees its own.
  void free_constraint_name(ForeignKey& fk) const {
    const auto taken = [&](const std::string& name) {
      return name != repairs_.drop_fk &&
             std::find(existing_.constraint_names.begin(), existing_.constraint_names.end(), name) !=
                 existing_.constraint_names.end();
    };
    const std::string base = ctx_.address.name + "_" + fk_column_name(ctx_) + "_fkey";
    fk.name = free_name(fk.name, base, ctx_.caps.max_identifier_bytes, taken);
  }

  std::vector<Step> emit() {
    if (repairs_.add_fk) free_constraint_name(*repairs_.add_fk);
    std::vector<Step> steps = ctx_.caps.alter_constraints ? emit_alters() : emit_sqlite();
    if (repairs_.add_index)
      steps.push_back(Step{CreateIndex{ctx_.address, *repairs_.add_index},
                           "index " + at(fk_column_name(ctx_))});
    return steps;
  }

  // PostgreSQL: columns, then the FK swap, then validation (a separate step so
  // the long scan takes only a SHARE UPDATE EXCLUSIVE lock), then NOT NULL.
  std::vector<Step> emit_alters() const {
    std::vector<Step> steps;
    for (const Column& column : repairs_.add_columns)
      steps.push_back(Step{AddColumn{ctx_.address, column}, "add column " + at(column.name)});
    if (!repairs_.drop_fk.empty())
      steps.push_back(Step{DropForeignKey{ctx_.address, repairs_.drop_fk},
                           "drop foreign key " + repairs_.drop_fk + " (replaced next)"});
    if (repairs_.add_fk) {
      ForeignKey fk = *repairs_.add_fk;
      // A FK column added just now holds no rows: nothing to validate.
      // PostgreSQL refuses NOT VALID on a partitioned table: there the
      // ADD CONSTRAINT validates at once, under its SHARE ROW EXCLUSIVE lock.
      const bool fresh_column = !existing_.column(fk_column_name(ctx_)) || existing_.partitioned;
      fk.validated = fresh_column;
      steps.push_back(
          Step{AddForeignKey{ctx_.address, fk}, "foreign key " + at(fk_column_name(ctx_)) + " -> " +
                                                    target_text(ctx_.parent, fk.ref_columns)});
      if (!fresh_column)
        steps.push_back(
            Step{ValidateForeignKey{ctx_.address, fk.name}, "validate foreign key " + fk.name});
    }
    if (!repairs_.validate_fk.empty())
      steps.push_back(Step{ValidateForeignKey{ctx_.address, repairs_.validate_fk},
                           "validate foreign key " + repairs_.validate_fk});
    for (const std::string& column : repairs_.set_not_null)
      steps.push_back(Step{SetNotNull{ctx_.address, column}, "set NOT NULL on " + at(column)});
    return steps;
  }

  // SQLite cannot ALTER constraints, nor ADD a NOT NULL column without a
  // default: such changes rebuild the table (new columns folded in); plain
  // column additions stay ALTER TABLE ADD COLUMN.
  std::vector<Step> emit_sqlite() {
    const bool rebuild =
        repairs_.add_fk || !repairs_.set_not_null.empty() ||
        std::any_of(repairs_.add_columns.begin(), repairs_.add_columns.end(), needs_value);
    if (!rebuild) {
      std::vector<Step> steps;
      for (const Column& column : repairs_.add_columns)
        steps.push_back(Step{AddColumn{ctx_.address, column}, "add column " + at(column.name)});
      return steps;
    }
    if (!existing_.rebuild_unsafe.empty()) {
      blocker(FindingKind::RebuildUnsafe, "", "a table SQLite can rebuild",
              existing_.rebuild_unsafe,
              ctx_.address.display() + " needs a table rebuild (" + join(rebuild_reasons(), ", ") +
                  ") but cannot be rebuilt safely: " + existing_.rebuild_unsafe +
                  "; make the change by hand");
      return {};
    }
    // The rebuild ends with PRAGMA foreign_key_check, which also re-checks
    // an FK that stays as it is: SQLite let orphans in while foreign_keys
    // was off, and they would fail the apply at the very end.
    if (!repairs_.add_fk && existing_.foreign_key_on(fk_column_name(ctx_)) &&
        !no_orphans("re-checked by the table rebuild"))
      return {};
    const std::string temp_name = rebuild_table_name(ctx_.address.name);
    if (table_exists(temp_name)) {
      blocker(FindingKind::RebuildUnsafe, "", "no table " + temp_name, temp_name,
              ctx_.address.display() + " needs a table rebuild (" + join(rebuild_reasons(), ", ") +
                  "), which creates the new table as " + temp_name +
                  ", but a table of that name exists; rename or drop it, then plan again");
      return {};
    }
    return {Step{rebuild_change(), "rebuild table " + ctx_.address.display() + " (" +
                                       join(rebuild_reasons(), ", ") + ")"}};
  }

  // SQLite matches table names ASCII case-insensitively.
  bool table_exists(const std::string& name) const {
    const std::string wanted = ascii_lower(name);
    return std::any_of(ctx_.catalog.all_tables.begin(), ctx_.catalog.all_tables.end(),
                       [&](const TableRef& table) { return ascii_lower(table.name) == wanted; });
  }

  RebuildTable rebuild_change() const {
    RebuildTable rebuild;
    rebuild.from = existing_;
    Table& to = rebuild.to;
    to = existing_;
    if (!existing_.catalog_name.empty()) to.ref.name = existing_.catalog_name;
    to.sql.clear();  // `to` is built from the model, not the old CREATE text
    for (const Column& column : existing_.columns) rebuild.copy_columns.push_back(column.name);
    for (const Column& column : repairs_.add_columns) to.columns.push_back(column);
    for (Column& column : to.columns)
      for (const std::string& name : repairs_.set_not_null)
        if (to.same_name(column.name, name)) column.nullable = false;
    if (repairs_.add_fk) replace_fk(to, *repairs_.add_fk);
    // The new FK index is a CreateIndex step after the rebuild; `to.indexes`
    // are only the existing ones, which the rebuild recreates.
    rebuild.dependent_views = dependent_views();
    rebuild.dependent_view_triggers = triggers_on(rebuild.dependent_views);
    return rebuild;
  }

  void replace_fk(Table& table, const ForeignKey& fk) const {
    for (ForeignKey& existing : table.foreign_keys)
      if (table.same_names(existing.columns, fk.columns)) {
        existing = fk;
        return;
      }
    table.foreign_keys.push_back(fk);
  }

  // Views naming the table must be dropped and recreated around the rebuild.
  // A substring match may take a view too many, never one too few.
  std::vector<SchemaObject> dependent_views() const {
    std::vector<SchemaObject> out;
    const std::string name = ascii_lower(ctx_.address.name);
    for (const SchemaObject& view : ctx_.catalog.views)
      if (ascii_lower(view.sql).find(name) != std::string::npos) out.push_back(view);
    return out;
  }

  // DROP VIEW drops the view's triggers (INSTEAD OF ...): they come back too.
  std::vector<SchemaObject> triggers_on(const std::vector<SchemaObject>& views) const {
    std::vector<SchemaObject> out;
    for (const SchemaObject& trigger : ctx_.catalog.view_triggers)
      if (std::any_of(views.begin(), views.end(), [&](const SchemaObject& view) {
            return ascii_lower(view.name) == ascii_lower(trigger.table);
          }))
        out.push_back(trigger);
    return out;
  }

  std::vector<std::string> rebuild_reasons() const {
    std::vector<std::string> reasons;
    for (const Column& column : repairs_.add_columns)
      reasons.push_back("add column " + column.name);
    for (const std::string& column : repairs_.set_not_null)
      reasons.push_back("set NOT NULL on " + column);
    if (repairs_.add_fk)
      reasons.push_back(existing_.foreign_key_on(fk_column_name(ctx_)) ? "replace foreign key"
                                                                       : "add foreign key");
    return reasons;
  }

  const ParentContext& ctx_;
  const ParentKey& key_;
  const Table& existing_;
  FactLookup& facts_;
  std::vector<Finding>& findings_;
  Repairs repairs_;
};

// --------------------------------------------------------------- parents ----

class ParentPlanner {
 public:
  ParentPlanner(const ParentContext& ctx, FactLookup& facts) : ctx_(ctx), facts_(facts) {
    out_.parent = ctx.spec.table;
    out_.parent_table = ctx.parent;
    out_.address_table = ctx.address;
  }

  ParentPlan plan() {
    out_.relationship.fk_column = fk_column_name(ctx_);
    out_.relationship.on_delete = ctx_.config.related.on_delete;
    if (!schema_exists(ctx_.parent) || !schema_exists(ctx_.address)) return std::move(out_);
    const Table* parent = ctx_.catalog.find(ctx_.parent);
    const std::optional<ParentKey> key = parent ? existing_parent_key(*parent) : create_parent();
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
      if (!address) continue;
      for (const Column& column : address->columns)
        if (needs_value(column) && !column.generated && !is_seeded_address_column(*address, column.name))
          seed_blocker(column.name, "the [[seed]] at " + at + " cannot insert addresses: " +
                                        column_text(ctx_.address, column.name) +
                                        " is NOT NULL without a default and not in [related] columns: "
                                        "add it there, or give it a default");
    }
  }

  static bool names(const Row& row, const Table& table, const std::string& column) {
    return std::any_of(row.begin(), row.end(),
                       [&](const FieldValue& field) { return table.same_name(field.column, column); });
  }

  bool is_seeded_address_column(const Table& address, const std::string& column) const {
    if (address.same_name(column, fk_column_name(ctx_))) return true;
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
               "alter " + ctx_.address.display() + " (only its owner or a member of the owning role may)");
    if (address && touches_address && !address->alter_unsupported.empty())
      add(FindingKind::TableShape, Severity::Blocker, "", "a plain table", address->alter_unsupported,
          ctx_.address.display() + " is " + address->alter_unsupported +
              "; addrmig does not alter such a table: make the change by hand (or on the table it "
              "belongs to), then plan again");
    if (parent && adds_fk && !parent->can_reference)
      no_right("REFERENCES on " + ctx_.parent.display(),
               "add a foreign key to " + ctx_.parent.display());
  }

  void no_right(const std::string& right, const std::string& to_do) {
    add(FindingKind::Privilege, Severity::Blocker, "", right, "not granted",
        "the current role lacks " + right + ", which it needs to " + to_do +
            ": GRANT it, or run addrmig as a role that has it");
  }

  // A view, materialized view, foreign table, sequence or index holds the
  // name: CREATE TABLE would fail, and addrmig cannot attach an FK to it.
  bool name_taken(const TableRef& ref, const std::string& role) {
    const Catalog::NamedRelation* holder = name_holder(ctx_.catalog, ref, ctx_.caps);
    if (!holder) return false;
    add(FindingKind::NameTaken, Severity::Blocker, "", "a table or no object", holder->kind,
        role + " " + ref.display() + " is a " + holder->kind + ", not a table; addrmig needs a " +
            "table of that name to " + (role == "parent" ? "reference" : "hold the addresses") +
            ": point the config at a table (" + (role == "parent" ? "[[parents]] table" : "[related] name") +
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
    Table table;
    table.ref = ctx_.parent;
    table.columns.push_back(generated_id_column());
    for (const ColumnSpec& spec : ctx_.spec.columns)
      table.columns.push_back(column_from_spec(spec));
    table.primary_key = {"id"};
    out_.steps.push_back(Step{CreateTable{std::move(table)}, "create table " + name});
    return ParentKey{"id", ColumnType::from_portable("integer"), true, true};
  }

  static bool has_unique_index_on(const Table& table, const std::string& column) {
    return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const Index& index) {
      return index.unique && index.valid && !index.partial && index.unusable_as_key.empty() &&
             table.same_names(index.columns, {column});
    });
  }

  static const Index* partial_unique_index_on(const Table& table, const std::string& column) {
    for (const Index& index : table.indexes)
      if (index.unique && index.valid && index.partial && table.same_names(index.columns, {column}))
        return &index;
    return nullptr;
  }

  // A unique index on exactly `column` that the dialect refuses as an FK target.
  static const Index* refused_unique_index_on(const Table& table, const std::string& column) {
    for (const Index& index : table.indexes)
      if (index.unique && index.valid && !index.partial && !index.unusable_as_key.empty() &&
          table.same_names(index.columns, {column}))
        return &index;
    return nullptr;
  }

  std::optional<ParentKey> existing_parent_key(const Table& parent) {
    const std::string name = ctx_.parent.display();
    if (ctx_.spec.key) return configured_key(parent, *ctx_.spec.key);
    const Column* column =
        parent.primary_key.size() == 1 ? parent.column(parent.primary_key.front()) : nullptr;
    if (!column) {
      const std::string found =
          parent.primary_key.empty() ? "none" : "(" + join(parent.primary_key, ", ") + ")";
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, "", "single-column primary key", found,
          "parent table " + name + " has no single-column primary key (found: " + found +
              "); set key = \"<column>\" in its [[parents]] entry to a unique column");
      return std::nullopt;
    }
    return ParentKey{column->name, column->type, true, false};
  }

  std::optional<ParentKey> configured_key(const Table& parent, const std::string& key) {
    const std::string name = ctx_.parent.display();
    const Column* column = parent.column(key);
    if (!column) {
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, key, "column " + key, "missing",
          "parent key " + column_text(ctx_.parent, key) + " not found; key must name a column of " +
              name);
      return std::nullopt;
    }
    const bool is_primary_key = parent.same_names(parent.primary_key, {key});
    const Index* refused = is_primary_key ? nullptr : refused_unique_index_on(parent, key);
    if (!is_primary_key && !has_unique_index_on(parent, key) && refused) {
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, key, "a unique key a foreign key can use",
          "index " + refused->name,
          "parent key " + column_text(ctx_.parent, key) + " is unique only through index " +
              refused->name + ", but " + refused->unusable_as_key +
              ": add a plain unique index or constraint on " + key + ", or choose another key");
      return std::nullopt;
    }
    if (const Index* partial = is_primary_key ? nullptr : partial_unique_index_on(parent, key);
        partial && !has_unique_index_on(parent, key)) {
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, key, "a unique key a foreign key can use",
          "partial index " + partial->name,
          "parent key " + column_text(ctx_.parent, key) + " is unique only through the partial index " +
              partial->name + " (unique only WHERE its condition holds), and a foreign key needs a "
              "unique constraint or index over every row: add a plain unique index on " + key +
              ", or choose another key");
      return std::nullopt;
    }
    if (!is_primary_key && !has_unique_index_on(parent, key)) {
      add(FindingKind::ParentKeyUnusable, Severity::Blocker, key, "unique", "not unique",
          "parent key " + column_text(ctx_.parent, key) +
              " is neither the primary key nor the only column of a unique index; a foreign "
              "key needs a unique target: add a unique index or choose another key");
      return std::nullopt;
    }
    // The catalog's spelling: SQLite matched `code` to a column `CODE`.
    return ParentKey{column->name, column->type, is_primary_key, false};
  }

  void plan_address(const ParentKey& key) {
    const Table* existing = ctx_.catalog.find(ctx_.address);
    if (!existing && name_taken(ctx_.address, "address table")) return;
    if (!existing) {
      out_.findings.push_back(
          make_finding(FindingKind::TableMissing, Severity::Change, ctx_.address, "", "table",
                       "missing", ctx_.address.display() + " not found; it will be created"));
      Table table = desired_address_table(ctx_, key);
      out_.steps.push_back(
          Step{CreateTable{std::move(table)}, "create table " + ctx_.address.display()});
      out_.steps.push_back(create_index_step(ctx_));
      return;
    }
    std::vector<Step> steps = AddressRepair(ctx_, key, *existing, facts_, out_.findings).run();
    for (Step& step : steps) out_.steps.push_back(std::move(step));
  }

  const ParentContext& ctx_;
  FactLookup& facts_;
  ParentPlan out_;
};

std::string address_table_name(const Config& config, const ParentSpec& parent) {
  return parent.table + "_" + config.related.name;
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
  ref.name = address_table_name(config, parent);
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

// A question can follow from the answer to another (no rows in the table ->
// the FK may be replaced -> count its orphans), so the questions are asked
// again, assuming every count so far is 0, until no new one comes up.
std::vector<FactRequest> fact_requests(const Config& config, const Catalog& catalog,
                                       const Capabilities& caps) {
  Facts assumed;
  for (;;) {
    FactLookup lookup(assumed, catalog);
    plan_with(config, catalog, lookup, caps);
    std::vector<FactRequest> asked = lookup.take_asked();
    if (asked.size() <= assumed.facts.size()) return asked;
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
