#include "lib/sqlite_session.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "lib/interrupt.h"

namespace addrmig {
namespace {

constexpr int kSqliteReadonly = 8;  // SQLITE_READONLY (primary code)

int on_busy(void* budget, int attempt) {
  if (interrupt_signal() != 0) return 0;
  const auto now = std::chrono::steady_clock::now();
  const auto deadline = static_cast<SqliteLockBudget*>(budget)->deadline;
  if (now >= deadline) return 0;
  // 1, 2, 4 ... 32 ms, then 50 ms steps: quick when the lock is free soon,
  // and a signal is seen within 50 ms.
  const auto step = std::chrono::milliseconds(std::min(1 << std::min(attempt, 5), 50));
  std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(step, deadline - now));
  return 1;
}

}  // namespace

void* sqlite_handle(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

void install_lock_budget(soci::session& session, SqliteLockBudget& budget) {
  sqlite_api::sqlite3_busy_handler(static_cast<sqlite_api::sqlite3*>(sqlite_handle(session)), &on_busy,
                                   &budget);
}

void interrupt_sqlite(void* handle) { sqlite_api::sqlite3_interrupt(static_cast<sqlite_api::sqlite3*>(handle)); }

FileIdentity file_identity(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino), true};
}

std::string explain_open_failure(const std::string& path, int code, const std::string& text) {
  const std::string journal = path + "-journal";
  std::error_code ec;
  if (code != kSqliteReadonly || !std::filesystem::exists(journal, ec)) return text;
  struct statvfs fs {};
  const std::string dir = std::filesystem::path(path).parent_path().empty()
                              ? std::string(".")
                              : std::filesystem::path(path).parent_path().string();
  const bool read_only_fs = statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
  return "the hot journal " + journal +
         " (left by a writer that stopped mid-transaction) must be rolled back before the database can be read,"
         " which needs write access to " + path + " and its directory" +
         (read_only_fs ? " (the file system is mounted read-only)" : "") +
         "; make them writable and run any addrmig command, or copy both files to a writable place";
}

}  // namespace addrmig
