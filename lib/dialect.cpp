#include "lib/dialect.h"

#include "lib/postgres/dialect.h"
#include "lib/sqlite/dialect.h"

// The factory: the only code that maps a Dialect to its implementation. A
// new dialect adds its folder and one line to each function here.

namespace addrmig {

const DatabaseDialect& dialect_of(Dialect dialect) {
  static const std::unique_ptr<DatabaseDialect> sqlite = sqlite::make_dialect(Dialect::Sqlite);
  static const std::unique_ptr<DatabaseDialect> postgres =
      postgres::make_dialect(Dialect::Postgres);
  return dialect == Dialect::Sqlite ? *sqlite : *postgres;
}

std::vector<const DatabaseDialect*> all_dialects() {
  return {&dialect_of(Dialect::Sqlite), &dialect_of(Dialect::Postgres)};
}

std::string_view dialect_name(Dialect dialect) { return dialect_of(dialect).name(); }

Capabilities sqlite_capabilities() { return dialect_of(Dialect::Sqlite).capabilities(); }
Capabilities postgres_capabilities() { return dialect_of(Dialect::Postgres).capabilities(); }

std::unique_ptr<Inspector> make_inspector(Dialect dialect, soci::session& session) {
  return dialect_of(dialect).inspector(session);
}

}  // namespace addrmig
