#pragma once
// PostgreSQL sessions: opening one (its settings, its cancel handle, where
// its notices go) and the settings of addrmig's own transactions.

#include <chrono>
#include <memory>
#include <string>

#include "lib/database_url.h"
#include "lib/dialect.h"

namespace addrmig::postgres {

// Connects (loading the libpq module) with the session settings addrmig
// relies on. Throws ConnectError.
std::unique_ptr<DialectSession> open_session(const DatabaseUrl& url, OpenMode mode);

// One statement, run first in every transaction addrmig opens (SET LOCAL, so
// nothing leaks to a pooled server session):
//  - lock_timeout: `lock_timeout` bounds every wait for a lock; 0 means "do
//    not wait" (1 ms: PostgreSQL's 0 would mean "wait forever");
//  - statement_timeout and idle_in_transaction_session_timeout off: a
//    database or role default must not kill the migration's statements (a
//    long VALIDATE) — the migration runs under its own timeouts;
//  - row_security off: also set per session (Connection::open says why);
//    again per transaction because behind PgBouncer in transaction mode a
//    session setting stays on whichever server connection ran it, and this
//    one decides whether data checks may see fewer rows than there are;
//  - client_connection_check_interval (PostgreSQL 14+): when addrmig is
//    killed (SIGKILL) while a statement waits or runs, the server notices the
//    closed connection within about a second and releases every lock, instead of
//    waiting for the statement to end.
std::string transaction_settings(std::chrono::milliseconds lock_timeout);

}  // namespace addrmig::postgres
