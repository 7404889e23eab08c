#include "lib/schema.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace addrmig {
namespace {

std::string lower_no_blanks(std::string_view text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string lower_single_spaced(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::string_view on_delete_sql(OnDelete action) {
  switch (action) {
    case OnDelete::NoAction: return "NO ACTION";
    case OnDelete::Restrict: return "RESTRICT";
    case OnDelete::Cascade: return "CASCADE";
    case OnDelete::SetNull: return "SET NULL";
    case OnDelete::SetDefault: return "SET DEFAULT";
  }
  return "NO ACTION";
}

std::string_view on_delete_config(OnDelete action) {
  switch (action) {
    case OnDelete::NoAction: return "no action";
    case OnDelete::Restrict: return "restrict";
    case OnDelete::Cascade: return "cascade";
    case OnDelete::SetNull: return "set null";
    case OnDelete::SetDefault: return "set default";
  }
  return "no action";
}

std::optional<OnDelete> parse_on_delete(std::string_view text) {
  const std::string key = lower_single_spaced(text);
  for (OnDelete action : {OnDelete::NoAction, OnDelete::Restrict, OnDelete::Cascade,
                          OnDelete::SetNull, OnDelete::SetDefault})
    if (key == on_delete_config(action)) return action;
  return std::nullopt;
}

std::optional<std::string> canonical_portable_type(std::string_view text) {
  const std::string t = lower_no_blanks(text);
  static const char* const plain[] = {"text",    "integer", "bigint", "boolean", "real",
                                      "double",  "date",    "timestamp", "uuid"};
  for (const char* name : plain)
    if (t == name) return t;
  static const std::regex varchar(R"(varchar\(([1-9][0-9]{0,8})\))");
  static const std::regex numeric(R"(numeric\(([1-9][0-9]{0,2}),([0-9]{1,3})\))");
  std::smatch m;
  if (std::regex_match(t, m, varchar)) return "varchar(" + m[1].str() + ")";
  if (std::regex_match(t, m, numeric)) {
    if (std::stoi(m[2].str()) > std::stoi(m[1].str())) return std::nullopt;
    return "numeric(" + m[1].str() + "," + m[2].str() + ")";
  }
  return std::nullopt;
}

ColumnType ColumnType::from_portable(std::string portable_name) {
  return ColumnType{std::move(portable_name), {}};
}

ColumnType ColumnType::from_native(std::string native_name, std::string portable_name) {
  return ColumnType{std::move(portable_name), std::move(native_name)};
}

bool ColumnType::operator==(const ColumnType& other) const {
  if (!portable.empty() && !other.portable.empty()) return portable == other.portable;
  if (native.empty() || other.native.empty()) return false;
  return lower_single_spaced(native) == lower_single_spaced(other.native);
}

std::string TableRef::display() const {
  return schema.empty() || schema_implied ? name : schema + "." + name;
}

bool Table::same_name(std::string_view a, std::string_view b) const {
  if (!fold_case) return a == b;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

bool Table::same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&](const std::string& x, const std::string& y) { return same_name(x, y); });
}

const Column* Table::column(std::string_view name) const {
  for (const Column& c : columns)
    if (same_name(c.name, name)) return &c;
  return nullptr;
}

const Index* Table::index_leading(std::string_view column) const {
  for (const Index& i : indexes)
    if (i.valid && !i.partial && !i.columns.empty() && same_name(i.columns.front(), column)) return &i;
  return nullptr;
}

const ForeignKey* Table::foreign_key_on(std::string_view column) const {
  for (const ForeignKey& fk : foreign_keys)
    if (fk.columns.size() == 1 && same_name(fk.columns.front(), column)) return &fk;
  return nullptr;
}

PositionCache& PositionCache::operator=(const PositionCache&) {
  built_ = false;  // the assigned-to owner's vector changed wholesale
  positions_.clear();
  return *this;
}

std::optional<std::size_t> PositionCache::find(
    const void* data, std::size_t size, const std::string& key,
    const std::function<std::string(std::size_t)>& key_at) const {
  if (!built_ || data != data_ || size != size_) rebuild(data, size, key_at);
  auto it = positions_.find(key);
  if (it != positions_.end() && key_at(it->second) == key) return it->second;
  // A stale hit: an element was replaced in place. Rebuild once and trust it.
  if (it != positions_.end()) {
    rebuild(data, size, key_at);
    it = positions_.find(key);
  }
  return it == positions_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
}

void PositionCache::rebuild(const void* data, std::size_t size,
                            const std::function<std::string(std::size_t)>& key_at) const {
  positions_.clear();
  positions_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) positions_.emplace(key_at(i), i);  // first one wins
  data_ = data;
  size_ = size;
  built_ = true;
}

namespace {

// Keys for PositionCache. NUL separates the parts: no SQL name contains it.
std::string table_key(const TableRef& ref) { return ref.schema + '\0' + ref.name; }

std::string fact_key(const FactRequest& r) {
  std::string key(1, static_cast<char>('0' + static_cast<int>(r.kind)));
  for (const std::string* part : {&r.table.schema, &r.table.name, &r.column, &r.id_column,
                                  &r.parent.schema, &r.parent.name, &r.parent_key})
    (key += '\0') += *part;
  return key;
}

}  // namespace

const Table* Catalog::find(const TableRef& ref) const {
  const auto position = table_positions.find(
      tables.data(), tables.size(), table_key(ref),
      [this](std::size_t i) { return table_key(tables[i].ref); });
  return position ? &tables[*position] : nullptr;
}

const Fact* Facts::find(const FactRequest& request) const {
  const auto position = fact_positions.find(
      facts.data(), facts.size(), fact_key(request),
      [this](std::size_t i) { return fact_key(facts[i].request); });
  return position ? &facts[*position] : nullptr;
}

}  // namespace addrmig
