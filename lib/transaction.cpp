#include "lib/transaction.h"

#include <soci/soci.h>

#include "lib/errors.h"

namespace addrmig {
namespace {

// Also set per session (Connection::open says why); again per transaction,
// because behind PgBouncer in transaction mode a session setting stays on
// whichever server connection ran it, and this one decides whether data
// checks may see fewer rows than there are.
constexpr const char* kRowSecurityOff = "SET LOCAL row_security = off";

}  // namespace

MigrationTransaction::MigrationTransaction(Connection& conn, std::chrono::milliseconds lock_timeout,
                                           bool foreign_keys_off)
    : conn_(conn), foreign_keys_off_(foreign_keys_off) {
  const std::string ms = std::to_string(lock_timeout.count());
  if (conn_.dialect() == Dialect::Sqlite) {
    if (foreign_keys_off_)
      conn_.execute("PRAGMA foreign_keys = OFF", "disabling foreign keys for the migration");
    try {
      conn_.execute("PRAGMA busy_timeout = " + ms, "setting the busy timeout");
      conn_.execute("BEGIN IMMEDIATE", "taking the migration lock (BEGIN IMMEDIATE)");
    } catch (const LockTimeout&) {
      restore_foreign_keys();
      throw LockTimeout("could not take the migration lock within " + ms +
                        " ms: another process is writing to the database");
    } catch (...) {
      restore_foreign_keys();
      throw;
    }
    return;
  }
  conn_.execute("BEGIN", "starting the migration transaction");
  try {
    // lock_timeout bounds every lock wait of this transaction: the advisory
    // lock below and the table locks the DDL takes.
    conn_.execute("SET LOCAL lock_timeout = " + ms, "setting lock_timeout");
    conn_.execute(kRowSecurityOff, "setting row_security");
    conn_.execute("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")",
                  "taking the migration lock");
  } catch (const LockTimeout&) {
    try { conn_.execute("ROLLBACK"); } catch (...) {}
    throw LockTimeout("could not take the migration lock within " + ms +
                      " ms: another addrmig apply is running");
  } catch (...) {
    try { conn_.execute("ROLLBACK"); } catch (...) {}
    throw;
  }
}

MigrationTransaction::~MigrationTransaction() {
  if (handled_) return;
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
    // A failed rollback leaves nothing to do: the connection is closed next.
  }
  restore_foreign_keys();
}

void MigrationTransaction::commit() {
  conn_.execute("COMMIT", "committing the migration");
  handled_ = true;
  restore_foreign_keys();
}

void MigrationTransaction::restore_foreign_keys() noexcept {
  if (conn_.dialect() != Dialect::Sqlite || !foreign_keys_off_) return;
  try {
    conn_.execute("PRAGMA foreign_keys = ON");
  } catch (...) {
  }
}

ReadTransaction::ReadTransaction(Connection& conn) : conn_(conn) {
  conn_.execute(conn_.dialect() == Dialect::Sqlite ? "BEGIN"
                                                   : "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ",
                "starting a read-only transaction");
  if (conn_.dialect() == Dialect::Postgres) conn_.execute(kRowSecurityOff, "setting row_security");
}

ReadTransaction::~ReadTransaction() {
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace addrmig
