#include "lib/plan.h"

#include <algorithm>

namespace addrmig {

std::string_view finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::ParentMissing: return "parent_missing";
    case FindingKind::ParentKeyUnusable: return "parent_key_unusable";
    case FindingKind::TableMissing: return "table_missing";
    case FindingKind::NotAddressTable: return "not_address_table";
    case FindingKind::ColumnMissing: return "column_missing";
    case FindingKind::ColumnTypeDiffers: return "column_type_differs";
    case FindingKind::ColumnNullability: return "column_nullability";
    case FindingKind::ForeignKeyMissing: return "foreign_key_missing";
    case FindingKind::ForeignKeyWrongTarget: return "foreign_key_wrong_target";
    case FindingKind::ForeignKeyWrongOnDelete: return "foreign_key_wrong_on_delete";
    case FindingKind::ForeignKeyNotValidated: return "foreign_key_not_validated";
    case FindingKind::ForeignKeyTypeMismatch: return "foreign_key_type_mismatch";
    case FindingKind::IndexMissing: return "index_missing";
    case FindingKind::IndexInvalid: return "index_invalid";
    case FindingKind::Orphans: return "orphans";
    case FindingKind::NullForeignKeys: return "null_foreign_keys";
    case FindingKind::ExtraColumn: return "extra_column";
    case FindingKind::ExtraIndex: return "extra_index";
    case FindingKind::ExtraTable: return "extra_table";
    case FindingKind::RebuildUnsafe: return "rebuild_unsafe";
    case FindingKind::LockTableTooSmall: return "lock_table_too_small";
    case FindingKind::NameTaken: return "name_taken";
    case FindingKind::SchemaMissing: return "schema_missing";
    case FindingKind::Privilege: return "privilege";
    case FindingKind::TableShape: return "table_shape";
    case FindingKind::ForeignKeyConflict: return "foreign_key_conflict";
    case FindingKind::SeedIncomplete: return "seed_incomplete";
    case FindingKind::RowSecurity: return "row_security";
  }
  return "unknown";
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Info: return "info";
    case Severity::Change: return "change";
    case Severity::Blocker: return "blocker";
  }
  return "unknown";
}

std::string_view parent_status_name(ParentStatus status) {
  switch (status) {
    case ParentStatus::Ok: return "ok";
    case ParentStatus::Create: return "create";
    case ParentStatus::Change: return "change";
    case ParentStatus::Blocked: return "blocked";
  }
  return "unknown";
}

namespace {

bool is_blocker(const Finding& finding) { return finding.severity == Severity::Blocker; }

bool any_blocker(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), is_blocker);
}

void add_unique(std::vector<TableRef>& refs, const TableRef& ref) {
  if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(ref);
}

}  // namespace

bool ParentPlan::blocked() const { return any_blocker(findings); }

// Create: the address table (and maybe the parent) is new; Change: repairs
// to tables that exist.
ParentStatus ParentPlan::status() const {
  if (blocked()) return ParentStatus::Blocked;
  if (steps.empty()) return ParentStatus::Ok;
  const bool creates_address = std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.kind == FindingKind::TableMissing;
  });
  return creates_address ? ParentStatus::Create : ParentStatus::Change;
}

bool Plan::blocked() const {
  return any_blocker(findings) ||
         std::any_of(parents.begin(), parents.end(),
                     [](const ParentPlan& parent) { return parent.blocked(); });
}

// A blocked plan applies nothing, so nothing is pending.
bool Plan::pending() const { return !blocked() && step_count() > 0; }

std::vector<const Finding*> Plan::blockers() const {
  std::vector<const Finding*> out;
  for (const ParentPlan& parent : parents)
    for (const Finding& finding : parent.findings)
      if (is_blocker(finding)) out.push_back(&finding);
  for (const Finding& finding : findings)
    if (is_blocker(finding)) out.push_back(&finding);
  return out;
}

std::size_t Plan::step_count() const {
  std::size_t count = 0;
  for (const ParentPlan& parent : parents) count += parent.steps.size();
  return count;
}

std::vector<Statement> Plan::statements() const {
  std::vector<Statement> out;
  if (blocked()) return out;
  for (const ParentPlan& parent : parents)
    out.insert(out.end(), parent.statements.begin(), parent.statements.end());
  return out;
}

std::size_t Plan::statement_count() const {
  if (blocked()) return 0;
  std::size_t count = 0;
  for (const ParentPlan& parent : parents) count += parent.statements.size();
  return count;
}

std::vector<TableRef> Plan::tables() const {
  std::vector<TableRef> out;
  for (const ParentPlan& parent : parents) {
    add_unique(out, parent.parent_table);
    add_unique(out, parent.address_table);
  }
  return out;
}

std::string rebuild_table_name(const std::string& table) { return "addrmig_new_" + table; }

}  // namespace addrmig
