#pragma once
// SIGINT and SIGTERM end addrmig cleanly: the statement running on the server
// is cancelled, the transaction rolls back, every lock is released, and one
// line says what was and was not done. The default action (die at once)
// would leave a PostgreSQL backend waiting for a table lock while holding the
// migration lock and every lock taken so far, and a hot journal next to a
// SQLite file.
//
// A watcher thread takes the signals (blocked in every other thread), so no
// work happens in a signal handler. It asks every open connection to cancel
// (PQcancel / sqlite3_interrupt), again every 200 ms until the main thread
// has noticed, because a cancel that arrives between two statements is lost.
// The main thread notices at the next statement boundary or when the
// cancelled statement fails, and unwinds: destructors roll back.
// A second signal, or 15 s without the process ending, exits at once.

#include <functional>
#include <memory>
#include <string>

namespace addrmig {

// Call first in main(), before any other thread exists: blocks SIGINT and
// SIGTERM and starts the watcher.
void install_interrupt_handling();

// The signal received (SIGINT, SIGTERM), 0 when none.
int interrupt_signal();

// "SIGINT" / "SIGTERM".
std::string signal_name(int signal);

// Throws Interrupted (with `what_was_done`, default "nothing was changed")
// when a signal has arrived, and tells the watcher it was noticed. Call at
// statement boundaries; never on the way out (ROLLBACK must still run).
void throw_if_interrupted(const std::string& what_was_done = "nothing was changed");

// While alive, `cancel` is called from the watcher thread when a signal
// arrives. It must be safe to call from another thread while the owner runs a
// statement (PQcancel and sqlite3_interrupt are). Destroying the
// registration waits for a running `cancel` to return, so the connection can
// be closed right after.
class CancelRegistration {
 public:
  explicit CancelRegistration(std::function<void()> cancel);
  ~CancelRegistration();
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;

  void cancel() const { cancel_(); }

 private:
  std::function<void()> cancel_;
};

}  // namespace addrmig
