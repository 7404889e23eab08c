#include "lib/sqlite/session.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/file_path.h"
#include "lib/interrupt.h"

namespace addrmig::sqlite {
namespace {

constexpr int kSqliteBusy = 5;      // SQLITE_BUSY
constexpr int kSqliteLocked = 6;    // SQLITE_LOCKED
constexpr int kSqliteReadonly = 8;  // SQLITE_READONLY (primary code)

// SOCI's SQLite connect-string parser splits on blanks and understands double
// quotes; any other path is passed through a quoted value.
// timeout: SQLite's busy timeout (seconds) for the reads done at open while
// another process commits; the busy handler below replaces it at once.
std::string connect_string(const std::string& path) { return "db=\"" + path + "\" timeout=10"; }

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

// Declared in this order so that, on destruction, the cancel registration
// goes first (no cancel can run any more), then the session, and last the
// lock budget its busy handler reads while closing.
class SqliteSession : public DialectSession {
 public:
  soci::session& session() override { return *session_; }
  void set_lock_deadline(std::chrono::steady_clock::time_point deadline) override {
    if (budget_) budget_->deadline = deadline;
  }
  std::string file_change() const override {
    if (inode_ == 0) return {};  // 0: nothing opened on disk
    const FileIdentity now = file_identity(path_);
    if (now.exists && now.device == device_ && now.inode == inode_) return {};
    return "the database file " + path_ +
           (now.exists ? " was replaced (another file was renamed over it)" : " was deleted") +
           " while addrmig had it open; changes made now would go to a file nobody opens again";
  }

  std::unique_ptr<SqliteLockBudget> budget_;
  std::unique_ptr<soci::session> session_;
  std::unique_ptr<CancelRegistration> cancel_registration_;
  std::string path_;
  unsigned long long device_ = 0, inode_ = 0;
};

// Why apply could not create the missing file at `path` (empty: it could),
// so that a read-only command does not plan on a file nobody can make.
std::string why_not_creatable(const std::string& path) {
  namespace fs = std::filesystem;
  const std::optional<fs::path> file = follow_symlinks(path);
  if (!file) return "too many levels of symbolic links";
  std::error_code ec;
  const fs::path directory = file->parent_path();
  if (!fs::is_directory(directory, ec))
    return directory.string() + (fs::exists(directory, ec) ? " is not a directory" : ": no such directory");
  if (::access(directory.c_str(), W_OK | X_OK) != 0)
    return "directory " + directory.string() + " is not writable, so the file cannot be created";
  return {};
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

std::unique_ptr<DialectSession> open_session(const DatabaseUrl& url, OpenMode mode,
                                             std::chrono::milliseconds lock_timeout, bool& exists) {
  const std::string& path = url.sqlite_path;
  std::error_code ec;
  exists = std::filesystem::exists(path, ec);
  if (!exists && mode == OpenMode::ReadWriteExisting)
    throw DatabaseMissing("the SQLite database " + url.redacted + " does not exist");
  auto out = std::make_unique<SqliteSession>();
  if (!exists && mode == OpenMode::ReadOnly) {
    if (const std::string why = why_not_creatable(path); !why.empty())
      throw ConnectError("cannot open SQLite database " + url.redacted + ": " + why);
    // Read-only commands never create the file: inspect an empty database.
    out->session_ = std::make_unique<soci::session>(soci::sqlite3, "db=:memory:");
    return out;
  }
  if (path.find('"') != std::string::npos)
    throw ConnectError("cannot open SQLite database " + url.redacted +
                       ": paths containing '\"' are not supported");
  try {
    out->session_ = std::make_unique<soci::session>(soci::sqlite3, connect_string(path));
    const FileIdentity opened = file_identity(path);
    out->path_ = path;
    out->device_ = opened.device;
    out->inode_ = opened.inode;
    out->budget_ = std::make_unique<SqliteLockBudget>();
    out->budget_->deadline = std::chrono::steady_clock::now() + lock_timeout;
    install_lock_budget(*out->session_, *out->budget_);
    void* handle = sqlite_handle(*out->session_);
    out->cancel_registration_ = std::make_unique<CancelRegistration>([handle] { interrupt_sqlite(handle); });
    // Catch bad files (not a database, unreadable, a hot journal that cannot
    // be rolled back) at open, not mid-plan.
    out->session_->once << "PRAGMA schema_version";
    // SQLite enforces foreign keys only when asked, per connection.
    out->session_->once << "PRAGMA foreign_keys = ON";
    if (mode == OpenMode::ReadOnly) out->session_->once << "PRAGMA query_only = ON";
  } catch (const soci::sqlite3_soci_error& e) {
    if (e.result() == kSqliteBusy || e.result() == kSqliteLocked)
      throw LockTimeout("cannot read SQLite database " + url.redacted +
                        ": another connection holds it locked, longer than the lock timeout");
    throw ConnectError("cannot open SQLite database " + url.redacted + ": " +
                       explain_open_failure(path, e.result(), driver_message(e.get_error_message())));
  } catch (const soci::soci_error& e) {
    throw ConnectError("cannot open SQLite database " + url.redacted + ": " + driver_message(e.get_error_message()));
  }
  return out;
}

}  // namespace addrmig::sqlite
