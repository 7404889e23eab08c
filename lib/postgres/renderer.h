#pragma once
// PostgresRenderer: turns plan Steps into postgres SQL. Every identifier goes through
// quote_ident(); values never appear in DDL except defaults via quote_literal().

#include "lib/dialect.h"

namespace addrmig {

class PostgresRenderer : public Renderer {
 public:
  std::vector<Statement> render(const Step& step) const override;
  std::string render_type(const ColumnType& type) const override;
  void add_locked_objects(const Step& step, std::set<std::string>& locked) const override;
  std::string exact_text(const std::string& column_sql) const override;
};

}  // namespace addrmig
