#include "lib/postgres_renderer.h"

#include "lib/errors.h"

namespace addrmig {

std::vector<Statement> PostgresRenderer::render(const Step&) const {
  throw Error("postgres renderer: not implemented yet");
}

std::string PostgresRenderer::create_history_table() const {
  throw Error("postgres renderer: not implemented yet");
}

std::string PostgresRenderer::render_type(const ColumnType&) const {
  throw Error("postgres renderer: not implemented yet");
}

}  // namespace addrmig
