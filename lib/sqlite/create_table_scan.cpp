#include "lib/sqlite/create_table_scan.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <utility>

namespace addrmig::sqlite {
namespace {

bool has_sequence(const std::vector<std::string>& tokens,
                  std::initializer_list<std::string_view> seq) {
  auto it = std::search(tokens.begin(), tokens.end(), seq.begin(), seq.end(),
                        [](const std::string& a, std::string_view b) { return a == b; });
  return it != tokens.end();
}

bool has_word(const std::vector<std::string>& tokens, std::string_view word) {
  return has_sequence(tokens, {word});
}

// Why rebuilding this table from the model would lose schema: the model holds
// columns, types, NOT NULL, defaults, the primary key, FKs with ON DELETE,
// UNIQUE constraints (as automatic indexes), AUTOINCREMENT and WITHOUT ROWID.
// Anything else in the CREATE TABLE text makes a rebuild unfaithful. The scan
// is deliberately conservative: a false alarm blocks a plan, a miss loses schema.
std::string rebuild_unsafe_reason(const std::vector<std::string>& tokens,
                                  bool has_generated_column) {
  static const std::pair<std::string_view, std::string_view> kLostClauses[] = {
      {"CHECK", "CHECK constraint"},     {"COLLATE", "COLLATE clause"},
      {"GENERATED", "generated column"}, {"AS", "generated column"},
      {"STRICT", "STRICT table"},        {"CONFLICT", "ON CONFLICT clause"},
      {"UPDATE", "ON UPDATE action"},    {"DEFERRABLE", "DEFERRABLE constraint"},
      {"MATCH", "MATCH clause"},
  };
  std::vector<std::string_view> found;
  auto note = [&](std::string_view what) {
    if (std::find(found.begin(), found.end(), what) == found.end()) found.push_back(what);
  };
  for (const auto& [word, what] : kLostClauses)
    if (has_word(tokens, word)) note(what);
  if (has_generated_column) note("generated column");
  // A column-level INTEGER PRIMARY KEY DESC is not a rowid alias, which a
  // rebuild (rendering PRIMARY KEY without order) would silently change.
  if (has_sequence(tokens, {"PRIMARY", "KEY", "DESC"})) note("PRIMARY KEY DESC");
  if (found.empty()) return {};
  std::string reason = "CREATE TABLE uses ";
  for (std::size_t i = 0; i < found.size(); ++i) reason += (i ? ", " : "") + std::string(found[i]);
  return reason + ", which a rebuild from the model would drop";
}

}  // namespace

std::vector<std::string> sql_tokens(std::string_view sql) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  auto skip_quoted = [&](char open, char close) {
    for (++i; i < sql.size(); ++i) {
      if (sql[i] != close) continue;
      if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
        ++i;  // doubled quote inside the literal
        continue;
      }
      break;
    }
    ++i;
    tokens.emplace_back(1, open);
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const auto uc = static_cast<unsigned char>(c);
    if (std::isspace(uc)) {
      ++i;
    } else if (c == '\'' || c == '"' || c == '`') {
      skip_quoted(c, c);
    } else if (c == '[') {
      skip_quoted('[', ']');
    } else if (sql.substr(i, 2) == "--") {
      i = std::min(sql.find('\n', i), sql.size());
    } else if (sql.substr(i, 2) == "/*") {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (std::isalnum(uc) || c == '_' || uc >= 0x80) {
      std::string word;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' ||
                                sql[i] == '$' || static_cast<unsigned char>(sql[i]) >= 0x80))
        word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
      tokens.push_back(std::move(word));
    } else {
      tokens.emplace_back(1, sql[i++]);
    }
  }
  return tokens;
}

CreateTableFacts scan_create_table(std::string_view sql, bool has_generated_column) {
  const std::vector<std::string> tokens = sql_tokens(sql);
  CreateTableFacts facts;
  facts.without_rowid = has_sequence(tokens, {"WITHOUT", "ROWID"});
  facts.autoincrement = has_word(tokens, "AUTOINCREMENT");
  facts.rebuild_unsafe = rebuild_unsafe_reason(tokens, has_generated_column);
  return facts;
}

bool index_names_collation(std::string_view create_index_sql) {
  return has_word(sql_tokens(create_index_sql), "COLLATE");
}

}  // namespace addrmig::sqlite
