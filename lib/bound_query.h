#pragma once
// A statement with a runtime number of bound values and text results: seed and
// verify build WHERE clauses from config rows, so the number of parameters is
// only known at run time. Values are always bound, never spliced into SQL.

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "lib/config.h"

namespace soci {
class session;
class statement;
}

namespace addrmig {

using TextRow = std::vector<std::optional<std::string>>;  // nullopt: SQL NULL

class BoundQuery {
 public:
  BoundQuery(soci::session& session, std::string sql) : session_(session), sql_(std::move(sql)) {}

  // Appends a value for the next placeholder (placeholders are ":p0", ":p1"...,
  // handed out by placeholder()).
  std::string placeholder(const Value& value);
  // The SQL text so far can be extended while placeholders are handed out.
  BoundQuery& operator<<(const std::string& sql) {
    sql_ += sql;
    return *this;
  }

  // Every result row, each cell as text (select CAST(... AS TEXT) for
  // non-text columns). `context` prefixes errors.
  std::vector<TextRow> rows(const std::string& context);
  void execute(const std::string& context);

 private:
  void prepare(soci::statement& st);  // binds every value, then prepares sql_
  soci::session& session_;
  std::string sql_;
  // deques: soci::use keeps references, so addresses must stay stable.
  std::deque<std::string> strings_;
  std::deque<long long> integers_;
  std::deque<double> doubles_;
  std::vector<int> kinds_;  // 0 string, 1 integer, 2 double; index into the deques in order
};

}  // namespace addrmig
