#include "lib/transaction.h"

#include <soci/soci.h>

#include "lib/errors.h"
#include "lib/interrupt.h"
#include "lib/postgres_session.h"

namespace addrmig {
namespace {

std::string describe_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return "at once (--lock-timeout 0: no waiting)";
  if (timeout.count() % 1000 == 0) return "within " + std::to_string(timeout.count() / 1000) + " s";
  return "within " + std::to_string(timeout.count()) + " ms";
}

}  // namespace

MigrationTransaction::MigrationTransaction(Connection& conn, std::chrono::milliseconds lock_timeout,
                                           bool foreign_keys_off)
    : conn_(conn), foreign_keys_off_(foreign_keys_off) {
  throw_if_interrupted();
  if (conn_.dialect() == Dialect::Sqlite) {
    if (foreign_keys_off_)
      conn_.execute("PRAGMA foreign_keys = OFF", "disabling foreign keys for the migration");
    // One deadline for every wait of the transaction. BEGIN EXCLUSIVE takes
    // the write lock and, in rollback-journal mode, waits for readers to
    // finish now, once, instead of at every cache spill and at COMMIT (in
    // WAL mode readers never block a writer and it acts as BEGIN IMMEDIATE).
    conn_.set_lock_deadline(std::chrono::steady_clock::now() + lock_timeout);
    try {
      conn_.execute("BEGIN EXCLUSIVE", "taking the migration lock (BEGIN EXCLUSIVE)");
    } catch (const LockTimeout&) {
      restore_foreign_keys();
      throw LockTimeout("could not lock the database " + describe_timeout(lock_timeout) +
                        ": another connection is writing it (or, in rollback-journal mode, reading it)");
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
    conn_.execute(postgres_transaction_settings(lock_timeout), "setting the migration's timeouts");
    conn_.execute("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")",
                  "taking the migration lock");
  } catch (const LockTimeout&) {
    try { conn_.execute("ROLLBACK"); } catch (...) {}
    throw LockTimeout("could not take the migration lock " + describe_timeout(lock_timeout) +
                      ": another addrmig apply or seed is running");
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
    // A failed rollback leaves nothing to do: the connection is closed next,
    // and the server (or SQLite, at the next open) rolls back.
  }
  if (conn_.dialect() == Dialect::Sqlite) {
    // After an I/O error (a full disk) SQLite's pager is in its error state
    // and would leave the journal hot at close; a read makes it roll the
    // journal back now and delete it.
    try {
      conn_.execute("PRAGMA schema_version");
    } catch (...) {
    }
  }
  restore_foreign_keys();
}

void MigrationTransaction::commit() {
  // Past this point a signal no longer undoes the work: check it last.
  throw_if_interrupted();
  conn_.check_same_file();
  try {
    conn_.execute("COMMIT", "committing");
  } catch (const DbError& e) {
    if (conn_.connection_ok()) throw;  // the server answered: rolled back
    handled_ = true;                   // nothing left to roll back on this connection
    std::string reason = e.what();
    const std::string context = "committing: ";
    if (reason.rfind(context, 0) == 0) reason.erase(0, context.size());
    throw CommitUnknown("the connection was lost during COMMIT (" + reason + ")");
  }
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
  throw_if_interrupted();
  if (conn_.dialect() == Dialect::Sqlite) {
    conn_.set_lock_deadline(std::chrono::steady_clock::now() + conn_.lock_timeout());
    conn_.execute("BEGIN", "starting a read-only transaction");
    return;
  }
  conn_.execute("BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ", "starting a read-only transaction");
  try {
    conn_.execute(postgres_transaction_settings(conn_.lock_timeout()), "setting the transaction's timeouts");
  } catch (...) {
    try { conn_.execute("ROLLBACK"); } catch (...) {}
    throw;
  }
}

ReadTransaction::~ReadTransaction() {
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace addrmig
