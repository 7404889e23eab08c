#include "lib/sqlite/rebuild_planner.h"

#include <algorithm>

#include "lib/planner/desired.h"
#include "lib/planner/text.h"

namespace addrmig::sqlite {
namespace {

using planner::ascii_lower;
using planner::join;

class RebuildPlanner {
 public:
  explicit RebuildPlanner(const RepairRequest& request)
      : request_(request), table_(request.existing.ref), repairs_(request.repairs) {}

  RepairSteps plan() {
    const bool rebuild =
        repairs_.add_fk || !repairs_.set_not_null.empty() ||
        std::any_of(repairs_.add_columns.begin(), repairs_.add_columns.end(), planner::needs_value);
    RepairSteps out;
    if (!rebuild) {
      // Plain column additions stay ALTER TABLE ADD COLUMN.
      for (const Column& column : repairs_.add_columns)
        out.steps.push_back(Step{AddColumn{table_, column},
                                 "add column " + planner::column_text(table_, column.name)});
      return out;
    }
    const std::string& unsafe = request_.existing.rebuild_unsafe;
    if (!unsafe.empty()) {
      out.blockers.push_back(blocker(
          "a table SQLite can rebuild", unsafe,
          table_.display() + " needs a table rebuild (" + join(reasons(), ", ") +
              ") but cannot be rebuilt safely: " + unsafe + "; make the change by hand"));
      return out;
    }
    // The rebuild ends with PRAGMA foreign_key_check, which also re-checks
    // an FK that stays as it is: SQLite let orphans in while foreign_keys
    // was off, and they would fail the apply at the very end.
    if (!repairs_.add_fk && request_.existing.foreign_key_on(request_.fk_column) &&
        !request_.no_orphans("re-checked by the table rebuild"))
      return out;
    const std::string temp_name = rebuild_table_name(table_.name);
    if (table_exists(temp_name)) {
      out.blockers.push_back(blocker(
          "no table " + temp_name, temp_name,
          table_.display() + " needs a table rebuild (" + join(reasons(), ", ") +
              "), which creates the new table as " + temp_name +
              ", but a table of that name exists; rename or drop it, then plan again"));
      return out;
    }
    out.steps.push_back(Step{rebuild_change(), "rebuild table " + table_.display() + " (" +
                                                   join(reasons(), ", ") + ")"});
    return out;
  }

 private:
  Finding blocker(std::string expected, std::string found, std::string message) const {
    return planner::make_finding(FindingKind::RebuildUnsafe, Severity::Blocker, table_, "",
                                 std::move(expected), std::move(found), std::move(message));
  }

  // SQLite matches table names ASCII case-insensitively.
  bool table_exists(const std::string& name) const {
    const std::string wanted = ascii_lower(name);
    const auto& all = request_.catalog.all_tables;
    return std::any_of(all.begin(), all.end(),
                       [&](const TableRef& table) { return ascii_lower(table.name) == wanted; });
  }

  RebuildTable rebuild_change() const {
    const Table& existing = request_.existing;
    RebuildTable rebuild;
    rebuild.from = existing;
    Table& to = rebuild.to;
    to = existing;
    // SQLite matched the config's spelling; the rebuilt table keeps its own.
    if (!existing.catalog_name.empty()) to.ref.name = existing.catalog_name;
    to.sql.clear();  // `to` is built from the model, not the old CREATE text
    for (const Column& column : existing.columns) rebuild.copy_columns.push_back(column.name);
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

  static void replace_fk(Table& table, const ForeignKey& fk) {
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
    const std::string name = ascii_lower(table_.name);
    for (const SchemaObject& view : request_.catalog.views)
      if (ascii_lower(view.sql).find(name) != std::string::npos) out.push_back(view);
    return out;
  }

  // DROP VIEW drops the view's triggers (INSTEAD OF ...): they come back too.
  std::vector<SchemaObject> triggers_on(const std::vector<SchemaObject>& views) const {
    std::vector<SchemaObject> out;
    for (const SchemaObject& trigger : request_.catalog.view_triggers)
      if (std::any_of(views.begin(), views.end(), [&](const SchemaObject& view) {
            return ascii_lower(view.name) == ascii_lower(trigger.table);
          }))
        out.push_back(trigger);
    return out;
  }

  std::vector<std::string> reasons() const {
    std::vector<std::string> out;
    for (const Column& column : repairs_.add_columns) out.push_back("add column " + column.name);
    for (const std::string& column : repairs_.set_not_null)
      out.push_back("set NOT NULL on " + column);
    if (repairs_.add_fk)
      out.push_back(request_.existing.foreign_key_on(request_.fk_column) ? "replace foreign key"
                                                                         : "add foreign key");
    return out;
  }

  const RepairRequest& request_;
  const TableRef& table_;
  const TableRepairs& repairs_;
};

}  // namespace

RepairSteps plan_repairs(const RepairRequest& request) { return RebuildPlanner(request).plan(); }

}  // namespace addrmig::sqlite
