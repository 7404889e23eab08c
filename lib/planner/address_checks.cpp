#include "lib/planner/address_checks.h"

#include <algorithm>
#include <optional>

#include "lib/sql.h"
#include "lib/planner/alter_steps.h"
#include "lib/planner/extras.h"
#include "lib/planner/foreign_keys.h"
#include "lib/planner/text.h"

namespace addrmig::planner {
namespace {

class AddressRepair {
 public:
  AddressRepair(const ParentContext& ctx, const ParentKey& key, const Table& existing,
                FactLookup& facts, std::vector<Finding>& findings)
      : ctx_(ctx), key_(key), existing_(existing), facts_(facts), findings_(findings) {}

  // Findings go to `findings`; the returned steps repair the Change ones.
  std::vector<Step> run() {
    if (!looks_like_address_table()) {
      blocker(FindingKind::NotAddressTable, "",
              "an address table (" + ctx_.fk_column() + " or the configured columns)",
              "neither",
              ctx_.address.display() + " exists but has neither the foreign key column " +
                  ctx_.fk_column() +
                  " nor any configured address column; it is not an address table: rename "
                  "it, or set another [related] name");
      return {};
    }
    for (const ColumnSpec& spec : ctx_.config.related.columns) check_related_column(spec);
    check_fk_column();
    check_fk_index();
    report_extras(ctx_, existing_, findings_);
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
    if (existing_.column(ctx_.fk_column())) return true;
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
    if (!(found->type == desired.type) && same_storage(found->type, desired.type))
      add(FindingKind::ColumnTypeDiffers, Severity::Info, spec.name, desired.type.display(),
          declared(found->type),
          at(spec.name) + " is declared " + declared(found->type) + ", the config says " +
              desired.type.display() + "; " + ctx_.caps.product_name + " stores both with " +
              ctx_.caps.storage_of(desired.type) + ", so it is left as it is");
    else if (!(found->type == desired.type))
      blocker(FindingKind::ColumnTypeDiffers, spec.name, desired.type.display(),
              found->type.display(),
              at(spec.name) + " is " + found->type.display() + " but the config says " +
                  desired.type.display() +
                  "; addrmig never changes a column type (it could truncate data): alter it "
                  "by hand or change the config");
    check_nullability(*found, desired.nullable, FindingKind::ColumnNullability);
  }

  // Types spelled apart that the dialect stores alike (SQLite: INT and
  // integer, VARCHAR(255) and text, DATETIME and timestamp).
  bool same_storage(const ColumnType& found, const ColumnType& desired) const {
    return ctx_.caps.storage_of && !found.display().empty() &&
           ctx_.caps.storage_of(found) == ctx_.caps.storage_of(desired);
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
    if (column.name == ctx_.fk_column())
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
      const bool is_fk = existing_.same_name(found.name, ctx_.fk_column());
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
    const std::string fk = ctx_.fk_column();
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
                  ctx_.caps.key_type_rule +
                  " and addrmig never changes a column type: alter it by hand");
      return;
    }
    check_nullability(*found, false, FindingKind::NullForeignKeys);
    check_fk_constraint();
  }

  // Equal types always match; a dialect may accept more (SQLite: the same
  // type affinity).
  bool fk_type_matches(const ColumnType& type) const {
    if (type == key_.type) return true;
    return ctx_.caps.key_types_match && ctx_.caps.key_types_match(type, key_.type);
  }

  bool references_key(const ForeignKey& fk) const { return planner::references_key(ctx_, key_, existing_, fk); }

  void check_fk_constraint() {
    const std::string fk_column = ctx_.fk_column();
    const ForeignKey desired = desired_foreign_key(ctx_, key_);
    const std::string expected_target = target_text(ctx_.parent, desired.ref_columns);
    const ForeignKey* found = chosen_foreign_key(ctx_, key_, existing_, desired);
    if (found) report_other_foreign_keys(ctx_, key_, existing_, *found, desired, findings_);
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
      const bool same_table = (!ctx_.caps.schemas || found->ref_schema == ctx_.parent.schema) &&
                              same_table_name(ctx_.caps, found->ref_table, ctx_.parent.name);
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

  // Orphans are checked against the right target before any FK is added,
  // replaced or validated, so apply never fails halfway on them.
  bool no_orphans(std::string_view action) {
    const std::string fk = ctx_.fk_column();
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
    const std::string fk = ctx_.fk_column();
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
  const Index* fk_index() const { return existing_.index_leading(ctx_.fk_column()); }
  bool fk_indexed() const {
    const std::string fk = ctx_.fk_column();
    return fk_index() ||
           (!existing_.primary_key.empty() && existing_.same_name(existing_.primary_key.front(), fk));
  }

  void check_fk_index() {
    if (fk_indexed()) return;
    const Index index = desired_fk_index(ctx_, &existing_);
    const std::string fk = ctx_.fk_column();
    add(FindingKind::IndexMissing, Severity::Change, fk, index.name, "none",
        at(fk) + " has no index; " + index.name + " will be created");
    add_index_ = index;
  }

  // ------------------------------------------------------------------ emit --

  std::vector<Step> emit() {
    if (repairs_.add_fk)
      repairs_.add_fk->name = free_fk_name(ctx_, existing_, repairs_.add_fk->name, repairs_.drop_fk);
    std::vector<Step> steps = ctx_.caps.alter_constraints ? emit_alters() : emit_without_alter();
    if (add_index_)
      steps.push_back(Step{CreateIndex{ctx_.address, *add_index_},
                           "index " + at(ctx_.fk_column())});
    return steps;
  }

  // The dialect carries out what it cannot ALTER (SQLite: a table rebuild).
  std::vector<Step> emit_without_alter() {
    RepairSteps out = ctx_.caps.repair_without_alter(
        RepairRequest{existing_, ctx_.catalog, repairs_, ctx_.fk_column(),
                      [this](std::string_view action) { return no_orphans(action); }});
    for (Finding& finding : out.blockers) findings_.push_back(std::move(finding));
    return out.blockers.empty() ? std::move(out.steps) : std::vector<Step>{};
  }

  std::vector<Step> emit_alters() const {
    // PostgreSQL refuses NOT VALID on a partitioned table: there the ADD
    // CONSTRAINT validates at once, under its SHARE ROW EXCLUSIVE lock.
    return alter_steps(ctx_, existing_.column(ctx_.fk_column()) == nullptr || existing_.partitioned,
                       repairs_);
  }

  const ParentContext& ctx_;
  const ParentKey& key_;
  const Table& existing_;
  FactLookup& facts_;
  std::vector<Finding>& findings_;
  TableRepairs repairs_;
  std::optional<Index> add_index_;
};

}  // namespace

std::vector<Step> check_address_table(const ParentContext& ctx, const ParentKey& key,
                                      const Table& existing, FactLookup& facts,
                                      std::vector<Finding>& findings) {
  return AddressRepair(ctx, key, existing, facts, findings).run();
}

}  // namespace addrmig::planner
