#include "lib/transaction.h"

#include "lib/dialect.h"
#include "lib/errors.h"

namespace addrmig {

MigrationTransaction::MigrationTransaction(Connection& conn, std::chrono::milliseconds lock_timeout,
                                           bool foreign_keys_off)
    : conn_(conn), foreign_keys_off_(foreign_keys_off) {
  dialect_of(conn_.dialect()).begin_write(conn_, lock_timeout, foreign_keys_off_);
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
  dialect_of(conn_.dialect()).end_write(conn_, foreign_keys_off_);
}

ReadTransaction::ReadTransaction(Connection& conn) : conn_(conn) {
  dialect_of(conn_.dialect()).begin_read(conn_);
}

ReadTransaction::~ReadTransaction() {
  try {
    conn_.execute("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace addrmig
