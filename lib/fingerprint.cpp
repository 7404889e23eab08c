#include "lib/fingerprint.h"

#include "lib/checksum.h"

namespace addrmig {
namespace {

// Length-prefixed so that no name can imitate a separator.
void field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ' ';
}

void list(std::string& out, const std::vector<std::string>& values) {
  out += '[';
  for (const auto& value : values) field(out, value);
  out += ']';
}

}  // namespace

std::string canonical_table(const Table& table) {
  std::string out;
  field(out, table.ref.schema);
  field(out, table.ref.name);
  out += "\ncolumns ";
  for (const Column& c : table.columns) {
    field(out, c.name);
    field(out, c.type.native.empty() ? c.type.portable : c.type.native);
    field(out, c.nullable ? "null" : "not null");
    field(out, c.default_sql);
    field(out, c.generated ? "generated" : "");
  }
  out += "\npk ";
  list(out, table.primary_key);
  out += "\nfks ";
  for (const ForeignKey& fk : table.foreign_keys) {
    field(out, fk.name);
    list(out, fk.columns);
    field(out, fk.ref_schema);
    field(out, fk.ref_table);
    list(out, fk.ref_columns);
    field(out, on_delete_sql(fk.on_delete));
    field(out, fk.validated ? "valid" : "not valid");
  }
  out += "\nindexes ";
  for (const Index& index : table.indexes) {
    field(out, index.name);
    list(out, index.columns);
    field(out, index.unique ? "unique" : "");
    field(out, index.partial ? "partial" : "");
    if (!index.valid) field(out, "invalid");
  }
  out += "\ntriggers ";
  for (const SchemaObject& trigger : table.triggers) field(out, trigger.sql);
  return out;
}

std::vector<TableFingerprint> fingerprint_tables(const Catalog& catalog,
                                                 const std::vector<TableRef>& tables) {
  std::vector<TableFingerprint> out;
  for (const TableRef& ref : tables) {
    const Table* table = catalog.find(ref);
    out.push_back({ref, table ? sha256_hex(canonical_table(*table)) : "absent"});
  }
  return out;
}

}  // namespace addrmig
