#include "lib/planner/desired.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <variant>

#include "lib/planner/text.h"
#include "lib/sql.h"

namespace addrmig::planner {
namespace {

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

}  // namespace

Column column_from_spec(const ColumnSpec& spec) {
  Column column;
  column.name = spec.name;
  column.type = ColumnType::from_portable(spec.type);
  column.nullable = spec.nullable;
  if (spec.default_value) column.default_sql = default_sql(*spec.default_value);
  return column;
}

Column generated_id_column() {
  Column id;
  id.name = "id";
  id.type = ColumnType::from_portable("integer");
  id.nullable = false;
  id.generated = true;
  return id;
}

bool needs_value(const Column& column) { return !column.nullable && column.default_sql.empty(); }

ForeignKey desired_foreign_key(const ParentContext& ctx, const ParentKey& key) {
  ForeignKey out;
  out.name = shorten_ident(ctx.address.name + "_" + ctx.fk_column() + "_fkey",
                           ctx.caps.max_identifier_bytes);
  out.columns = {ctx.fk_column()};
  out.ref_schema = ctx.parent.schema;
  out.ref_table = ctx.parent.name;
  out.ref_columns = {key.column};
  out.on_delete = ctx.config.related.on_delete;
  return out;
}

Index desired_fk_index(const ParentContext& ctx, const Table* existing) {
  const std::string base = ctx.address.name + "_" + ctx.fk_column() + "_idx";
  const auto taken = [&](const std::string& name) {
    if (existing && std::any_of(existing->indexes.begin(), existing->indexes.end(),
                                [&](const Index& index) { return index.name == name; }))
      return true;
    return name_in_use(ctx.catalog, ctx.address.schema, name, ctx.caps);
  };
  Index out;
  out.name = free_name(shorten_ident(base, ctx.caps.max_identifier_bytes), base,
                       ctx.caps.max_identifier_bytes, taken);
  out.columns = {ctx.fk_column()};
  return out;
}

Column desired_fk_column(const ParentContext& ctx, const ParentKey& key) {
  Column column;
  column.name = ctx.fk_column();
  column.type = key.type;  // exactly the parent key's type, as inspected
  column.nullable = false;
  return column;
}

Table desired_address_table(const ParentContext& ctx, const ParentKey& key) {
  Table table;
  table.ref = ctx.address;
  table.columns.reserve(ctx.config.related.columns.size() + 2);
  table.columns.push_back(generated_id_column());
  for (const ColumnSpec& spec : ctx.config.related.columns)
    table.columns.push_back(column_from_spec(spec));
  table.columns.push_back(desired_fk_column(ctx, key));
  table.primary_key = {"id"};
  table.foreign_keys = {desired_foreign_key(ctx, key)};
  return table;
}

Table desired_parent_table(const ParentContext& ctx) {
  Table table;
  table.ref = ctx.parent;
  table.columns.push_back(generated_id_column());
  for (const ColumnSpec& spec : ctx.spec.columns) table.columns.push_back(column_from_spec(spec));
  table.primary_key = {"id"};
  return table;
}

}  // namespace addrmig::planner
