#pragma once
// Counts the rows a SQLite statement writes while it runs, so that progress
// can show "rows copied" during a table rebuild's INSERT ... SELECT, which is
// one statement and otherwise silent for as long as the table is large.

#include <cstdint>
#include <functional>

namespace soci {
class session;
}

namespace addrmig {

class SqliteRowCounter {
 public:
  // Calls `report(rows so far)` every kReportEvery rows, from inside SQLite:
  // `report` must not touch the database.
  static constexpr std::int64_t kReportEvery = 4096;

  SqliteRowCounter(soci::session& session, std::function<void(std::int64_t)> report);
  ~SqliteRowCounter();  // unhooks
  SqliteRowCounter(const SqliteRowCounter&) = delete;
  SqliteRowCounter& operator=(const SqliteRowCounter&) = delete;

  void reset() { rows_ = 0; }
  std::int64_t rows() const { return rows_; }

 private:
  static void on_row(void* self, int op, const char* database, const char* table, long long rowid);

  void* db_;  // sqlite3*
  std::function<void(std::int64_t)> report_;
  std::int64_t rows_ = 0;
};

}  // namespace addrmig
