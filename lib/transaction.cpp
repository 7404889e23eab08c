#include "lib/transaction.h"

#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/interrupt.h"

namespace addrmig {

std::string describe_lock_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return "at once (lock timeout 0: no waiting)";
  if (timeout.count() % 1000 == 0) return "within " + std::to_string(timeout.count() / 1000) + " s";
  return "within " + std::to_string(timeout.count()) + " ms";
}

MigrationTransaction::MigrationTransaction(Connection& conn, std::chrono::milliseconds lock_timeout,
                                           bool foreign_keys_off)
    : conn_(conn), foreign_keys_off_(foreign_keys_off) {
  throw_if_interrupted();
  dialect_of(conn_.dialect()).begin_write(conn_, lock_timeout, foreign_keys_off_);
}

MigrationTransaction::~MigrationTransaction() {
  if (handled_) return;
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
    // A failed rollback leaves nothing to do: the connection is closed next,
    // and the server (or SQLite, at the next open) rolls back.
  }
  dialect_of(conn_.dialect()).after_rollback(conn_);
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
  dialect_of(conn_.dialect()).end_write(conn_, foreign_keys_off_);
}

ReadTransaction::ReadTransaction(Connection& conn) : conn_(conn) {
  throw_if_interrupted();
  dialect_of(conn_.dialect()).begin_read(conn_);
}

ReadTransaction::~ReadTransaction() {
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace addrmig
