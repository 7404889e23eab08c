#include "lib/sqlite_renderer.h"

#include "lib/errors.h"

namespace addrmig {

std::vector<Statement> SqliteRenderer::render(const Step&) const {
  throw Error("sqlite renderer: not implemented yet");
}

std::string SqliteRenderer::create_history_table() const {
  throw Error("sqlite renderer: not implemented yet");
}

std::string SqliteRenderer::render_type(const ColumnType&) const {
  throw Error("sqlite renderer: not implemented yet");
}

}  // namespace addrmig
