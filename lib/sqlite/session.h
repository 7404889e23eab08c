#pragma once
// SQLite specifics of an open session: the lock budget (one deadline for all
// the waits of a transaction), cancellation, the identity of the file opened,
// and what a failed open means.

#include <chrono>
#include <memory>
#include <string>

#include "lib/database_url.h"
#include "lib/dialect.h"

namespace soci {
class session;
}

namespace addrmig::sqlite {

// The deadline every lock wait of the session ends at. SQLite's own busy
// timeout restarts for every wait (each cache spill, the DROP, the index,
// COMMIT), so a transaction could wait many times the timeout; this busy
// handler sleeps in short steps until one shared deadline, and gives up at
// once when SIGINT or SIGTERM arrived.
struct SqliteLockBudget {
  std::chrono::steady_clock::time_point deadline;
};

// Installs the busy handler reading `budget` (which must outlive the session).
void install_lock_budget(soci::session& session, SqliteLockBudget& budget);

// The sqlite3* handle behind the session, for sqlite3_interrupt.
void* sqlite_handle(soci::session& session);
// Cancels the statement running on `handle` (safe from another thread).
void interrupt_sqlite(void* handle);

struct FileIdentity {
  unsigned long long device = 0, inode = 0;
  bool exists = false;
};
FileIdentity file_identity(const std::string& path);

// A one-line explanation for an open that failed with SQLite result `code`
// and message `text`: names a hot journal and what rolling it back needs.
std::string explain_open_failure(const std::string& path, int code, const std::string& text);

// Opens the database file (`exists`: whether it was there): foreign keys on,
// read-only when asked, a missing file read as an empty database and never
// created. Throws ConnectError, DatabaseMissing, LockTimeout.
std::unique_ptr<DialectSession> open_session(const DatabaseUrl& url, OpenMode mode,
                                             std::chrono::milliseconds lock_timeout, bool& exists);

}  // namespace addrmig::sqlite
