#include "lib/planner/facts.h"

namespace addrmig::planner {
namespace {

// A set key for a request.
std::string identity(const FactRequest& r) {
  const char separator = '\0';  // cannot occur in a name (quote_ident rejects it)
  std::string key = std::to_string(static_cast<int>(r.kind));
  for (const std::string* part : {&r.table.schema, &r.table.name, &r.column, &r.id_column,
                                  &r.parent.schema, &r.parent.name, &r.parent_key})
    (key += separator) += *part;
  return key;
}

}  // namespace

FactRequest row_count_request(const TableRef& table) {
  FactRequest request;
  request.kind = FactKind::RowCount;
  request.table = table;
  return request;
}

FactRequest null_count_request(const TableRef& table, const std::string& column,
                               const std::string& id_column) {
  FactRequest request;
  request.kind = FactKind::NullCount;
  request.table = table;
  request.column = column;
  request.id_column = id_column;
  return request;
}

const Fact* FactLookup::find(const FactRequest& request) {
  if (row_security_hides(request)) return nullptr;
  if (seen_.insert(identity(request)).second) asked_.push_back(request);
  return facts_.find(request);
}

const Table* FactLookup::row_security_hides(const FactRequest& request) const {
  for (const TableRef* ref : {&request.table, &request.parent}) {
    const Table* table = ref->name.empty() ? nullptr : catalog_.find(*ref);
    if (table && table->row_security_applies) return table;
  }
  return nullptr;
}

}  // namespace addrmig::planner
