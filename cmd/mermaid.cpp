#include "cmd/mermaid.h"

#include <algorithm>
#include <cctype>

namespace addrmig::cli {
namespace {

// An entity name in double quotes: any text but '"' and line breaks.
std::string entity(const TableRef& table) {
  std::string out = "\"";
  for (char c : table.display())
    out += c == '"' ? '\'' : static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  return out + "\"";
}

// Mermaid's attribute words (types, names) allow letters, digits, '_', '-',
// '(', ')', '[' and ']', starting with a letter or '_': "numeric(10,2)"
// becomes "numeric(10_2)", "character varying" "character_varying".
std::string word(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                         c == '(' || c == ')' || c == '[' || c == ']';
    out += allowed && static_cast<unsigned char>(c) < 0x80 ? c : '_';
  }
  if (out.empty() || !(std::isalpha(static_cast<unsigned char>(out[0])) || out[0] == '_')) out = "_" + out;
  return out;
}

std::string comment(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? '\'' : static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  return out + "\"";
}

// What the plan does to `column` of the address table: "column_missing",
// "blocked: orphans", ... ("" when nothing).
std::string column_mark(const ParentPlan& parent, const std::string& column) {
  if (parent.status() == ParentStatus::Create) return "new";
  std::string out;
  for (const Finding& finding : parent.findings) {
    if (finding.severity == Severity::Info || finding.column != column ||
        !(finding.table == parent.address_table))
      continue;
    std::string mark = std::string(finding_kind_name(finding.kind));
    if (finding.severity == Severity::Blocker) mark = "blocked: " + mark;
    if (out.find(mark) == std::string::npos) out += (out.empty() ? "" : ", ") + mark;
  }
  return out;
}

bool about_foreign_key(FindingKind kind) {
  switch (kind) {
    case FindingKind::ForeignKeyMissing:
    case FindingKind::ForeignKeyWrongTarget:
    case FindingKind::ForeignKeyWrongOnDelete:
    case FindingKind::ForeignKeyNotValidated:
    case FindingKind::ForeignKeyTypeMismatch:
    case FindingKind::Orphans:
    case FindingKind::NullForeignKeys:
      return true;
    default:
      return false;
  }
}

// "parent_id, ON DELETE CASCADE", prefixed with what happens to the FK.
std::string relationship_label(const ParentPlan& parent) {
  const Relationship& link = parent.relationship;
  std::string label = link.fk_column + ", ON DELETE " + std::string(on_delete_sql(link.on_delete));
  if (parent.status() == ParentStatus::Create) return "new: " + label;
  Severity worst = Severity::Info;
  for (const Finding& finding : parent.findings)
    if (about_foreign_key(finding.kind) && finding.severity > worst) worst = finding.severity;
  if (parent.relationship.key_column.empty()) worst = Severity::Blocker;  // no key to reference
  if (worst == Severity::Blocker) return "blocked: " + label;
  if (worst == Severity::Change) return "change: " + label;
  return label;
}

void attribute(std::string& out, const std::string& type, const std::string& name, const char* key,
               const std::string& mark) {
  out += "    " + word(type) + " " + word(name) + (*key ? std::string(" ") + key : "");
  if (!mark.empty()) out += " " + comment(mark);
  out += "\n";
}

bool parent_created(const ParentPlan& parent) {
  return std::any_of(parent.findings.begin(), parent.findings.end(), [](const Finding& f) {
    return f.kind == FindingKind::ParentMissing && f.severity == Severity::Change;
  });
}

void draw(std::string& out, const ParentPlan& parent, const std::vector<ColumnSpec>& address_columns) {
  const Relationship& link = parent.relationship;
  const std::string from = entity(parent.parent_table);
  const std::string to = entity(parent.address_table);
  out += "  " + from + " ||--o{ " + to + " : " + comment(relationship_label(parent)) + "\n";
  if (!link.key_column.empty()) {
    out += "  " + from + " {\n";
    attribute(out, link.key_type, link.key_column, "PK", parent_created(parent) ? "new" : "");
    out += "  }\n";
  }
  out += "  " + to + " {\n";
  for (const ColumnSpec& column : address_columns)
    attribute(out, column.type, column.name, "", column_mark(parent, column.name));
  attribute(out, link.key_type.empty() ? "unknown" : link.key_type, link.fk_column, "FK",
            column_mark(parent, link.fk_column));
  out += "  }\n";
}

}  // namespace

ErDiagram er_diagram(const Plan& plan, const std::vector<ColumnSpec>& address_columns,
                     std::size_t max_parents) {
  std::vector<const ParentPlan*> drawn;
  for (const ParentPlan& parent : plan.parents)
    if (drawn.size() < max_parents && parent.status() != ParentStatus::Ok) drawn.push_back(&parent);
  for (const ParentPlan& parent : plan.parents)
    if (drawn.size() < max_parents && parent.status() == ParentStatus::Ok) drawn.push_back(&parent);
  // Config order among the drawn ones.
  std::sort(drawn.begin(), drawn.end());
  ErDiagram diagram;
  diagram.source = "erDiagram\n";
  for (const ParentPlan* parent : drawn) draw(diagram.source, *parent, address_columns);
  diagram.shown = drawn.size();
  diagram.total = plan.parents.size();
  return diagram;
}

}  // namespace addrmig::cli
