#include "lib/sqlite/row_counter.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <utility>

namespace addrmig {

// SQLite calls the update hook once per row inserted, updated or deleted in a
// rowid table (https://www.sqlite.org/c3ref/update_hook.html): exactly the
// rows an INSERT ... SELECT copies. WITHOUT ROWID tables and SQLite's own
// tables are not reported, so their copies show no count.
SqliteRowCounter::SqliteRowCounter(soci::session& session, std::function<void(std::int64_t)> report)
    : db_(static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_),
      report_(std::move(report)) {
  sqlite_api::sqlite3_update_hook(static_cast<sqlite_api::sqlite3*>(db_), &SqliteRowCounter::on_row,
                                  this);
}

SqliteRowCounter::~SqliteRowCounter() {
  sqlite_api::sqlite3_update_hook(static_cast<sqlite_api::sqlite3*>(db_), nullptr, nullptr);
}

void SqliteRowCounter::on_row(void* self, int op, const char*, const char*, long long) {
  auto* counter = static_cast<SqliteRowCounter*>(self);
  if (op != SQLITE_INSERT) return;
  if (++counter->rows_ % kReportEvery != 0 || !counter->report_) return;
  try {
    counter->report_(counter->rows_);
  } catch (...) {
    // Progress is cosmetic; an exception must not unwind through SQLite's C frames.
  }
}

}  // namespace addrmig
