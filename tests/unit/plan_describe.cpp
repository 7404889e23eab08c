#include "tests/unit/plan_describe.h"
#include "tests/support/golden.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace addrmig::test {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Both spellings when the type carries both: the FK column must copy the
// parent key's type exactly, native spelling included.
std::string type_text(const ColumnType& type) {
  if (type.portable.empty()) return type.native;
  if (type.native.empty()) return type.portable;
  return type.portable + " [" + type.native + "]";
}

std::string column_text(const Column& column) {
  std::string out = column.name + " " + type_text(column.type);
  if (!column.nullable) out += " NOT NULL";
  if (!column.default_sql.empty()) out += " DEFAULT " + column.default_sql;
  if (column.generated) out += " generated";
  return out;
}

std::string fk_text(const ForeignKey& fk) {
  const std::string target =
      fk.ref_schema.empty() ? fk.ref_table : fk.ref_schema + "." + fk.ref_table;
  std::string out = (fk.name.empty() ? "(unnamed)" : fk.name) + " (" + join(fk.columns) + ") -> " +
                    target + "(" + join(fk.ref_columns) + ") ON DELETE " +
                    std::string(on_delete_sql(fk.on_delete));
  if (!fk.validated) out += " NOT VALID";
  return out;
}

std::string index_text(const Index& index) {
  std::string out = index.name + " (" + join(index.columns) + ")";
  if (index.unique) out += " unique";
  if (index.partial) out += " partial";
  return out;
}

void describe_table(std::ostream& out, const Table& table) {
  for (const Column& column : table.columns) out << "      column " << column_text(column) << "\n";
  if (!table.primary_key.empty()) out << "      primary key (" << join(table.primary_key) << ")\n";
  for (const ForeignKey& fk : table.foreign_keys)
    out << "      foreign key " << fk_text(fk) << "\n";
  for (const Index& index : table.indexes) out << "      index " << index_text(index) << "\n";
  for (const SchemaObject& trigger : table.triggers)
    out << "      trigger " << trigger.name << "\n";
}

struct StepDescriber {
  std::ostream& out;

  void operator()(const CreateTable& change) const {
    out << "create_table " << change.table.ref.display() << "\n";
    describe_table(out, change.table);
  }
  void operator()(const AddColumn& change) const {
    out << "add_column " << change.table.display() << " " << column_text(change.column) << "\n";
  }
  void operator()(const AddForeignKey& change) const {
    out << "add_foreign_key " << change.table.display() << " " << fk_text(change.fk) << "\n";
  }
  void operator()(const ValidateForeignKey& change) const {
    out << "validate_foreign_key " << change.table.display() << " " << change.name << "\n";
  }
  void operator()(const DropForeignKey& change) const {
    out << "drop_foreign_key " << change.table.display() << " " << change.name << "\n";
  }
  void operator()(const CreateIndex& change) const {
    out << "create_index " << change.table.display() << " " << index_text(change.index) << "\n";
  }
  void operator()(const SetNotNull& change) const {
    out << "set_not_null " << change.table.display() << " " << change.column << "\n";
  }
  void operator()(const RebuildTable& change) const {
    out << "rebuild_table " << change.from.ref.display() << "\n";
    describe_table(out, change.to);
    out << "      copy (" << join(change.copy_columns) << ")\n";
    for (const SchemaObject& view : change.dependent_views)
      out << "      view " << view.name << "\n";
  }
};

char severity_mark(Severity severity) {
  switch (severity) {
    case Severity::Info: return 'i';
    case Severity::Change: return '~';
    case Severity::Blocker: return '!';
  }
  return '?';
}

void describe_finding(std::ostream& out, const Finding& finding) {
  out << "  " << severity_mark(finding.severity) << " " << severity_name(finding.severity) << " "
      << finding_kind_name(finding.kind) << " " << finding.table.display();
  if (!finding.column.empty()) out << "." << finding.column;
  out << " expected=" << finding.expected << " found=" << finding.found << "\n";
  out << "      " << finding.message << "\n";
}

Table& table_in(Catalog& catalog, const TableRef& ref) {
  for (Table& table : catalog.tables)
    if (table.ref == ref) return table;
  FAIL("apply_to_catalog: plan changes a table the catalog lacks: " << ref.display());
  throw std::logic_error("unreachable");
}

Column& column_in(Table& table, const std::string& name) {
  for (Column& column : table.columns)
    if (column.name == name) return column;
  FAIL("apply_to_catalog: no column " << name << " in " << table.ref.display());
  throw std::logic_error("unreachable");
}

// What a real inspector would read back after each change was applied.
struct ChangeApplier {
  Catalog& catalog;
  const Capabilities& caps;

  void operator()(const CreateTable& change) const {
    Table table = change.table;
    // PostgreSQL reports the primary key's own unique index.
    if (caps.dialect == Dialect::Postgres)
      table.indexes.push_back(Index{table.ref.name + "_pkey", table.primary_key, true, false, ""});
    catalog.tables.push_back(table);
    catalog.all_tables.push_back(table.ref);
  }
  void operator()(const AddColumn& change) const {
    table_in(catalog, change.table).columns.push_back(change.column);
  }
  void operator()(const AddForeignKey& change) const {
    table_in(catalog, change.table).foreign_keys.push_back(change.fk);
  }
  void operator()(const ValidateForeignKey& change) const {
    for (ForeignKey& fk : table_in(catalog, change.table).foreign_keys)
      if (fk.name == change.name) fk.validated = true;
  }
  void operator()(const DropForeignKey& change) const {
    auto& fks = table_in(catalog, change.table).foreign_keys;
    fks.erase(std::remove_if(fks.begin(), fks.end(),
                             [&](const ForeignKey& fk) { return fk.name == change.name; }),
              fks.end());
  }
  void operator()(const CreateIndex& change) const {
    Index index = change.index;
    index.sql = "CREATE INDEX " + index.name;  // SQLite keeps the text of explicit indexes
    table_in(catalog, change.table).indexes.push_back(index);
  }
  void operator()(const SetNotNull& change) const {
    column_in(table_in(catalog, change.table), change.column).nullable = false;
  }
  void operator()(const RebuildTable& change) const {
    Table rebuilt = change.to;
    rebuilt.sql = "CREATE TABLE " + rebuilt.ref.name;
    table_in(catalog, change.from.ref) = rebuilt;
  }
};

std::filesystem::path source_dir() {
  if (const char* dir = std::getenv("ADDRMIG_SOURCE_DIR")) return dir;
  return ADDRMIG_SOURCE_DIR;
}

}  // namespace

std::string describe_plan(const Plan& plan) {
  std::ostringstream out;
  out << "plan " << dialect_name(plan.dialect) << ": blocked=" << (plan.blocked() ? "yes" : "no")
      << " pending=" << (plan.pending() ? "yes" : "no") << " steps=" << plan.step_count() << "\n";
  for (const ParentPlan& parent : plan.parents) {
    out << "parent " << parent.parent << " [" << parent_status_name(parent.status()) << "] "
        << parent.parent_table.display() << " -> " << parent.address_table.display() << "\n";
    for (const Finding& finding : parent.findings) describe_finding(out, finding);
    for (const Step& step : parent.steps) {
      out << "  + ";
      std::visit(StepDescriber{out}, step.change);
      out << "      -- " << step.comment << "\n";
    }
  }
  for (const Finding& finding : plan.findings) describe_finding(out, finding);
  return out.str();
}

Catalog apply_to_catalog(Catalog catalog, const Plan& plan, const Capabilities& caps) {
  for (const ParentPlan& parent : plan.parents) {
    if (parent.blocked()) continue;
    for (const Step& step : parent.steps) std::visit(ChangeApplier{catalog, caps}, step.change);
  }
  return catalog;
}

void check_golden(const std::string& name, const std::string& actual) {
  test::check_golden(std::filesystem::path("planner") / (name + ".txt"), actual);
}

}  // namespace addrmig::test
