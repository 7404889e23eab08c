#pragma once
// Typed errors. Only cmd/ turns them into exit codes (ninja's exit_status.h):
// ConfigError/UsageError/DbError/ConnectError -> 1, LockTimeout and
// ReplicaTimeout -> 3, PlanChanged -> 2, CommitUnknown -> 4,
// Interrupted -> 128 + signal.

#include <stdexcept>
#include <string>

namespace addrmig {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad command-line arguments.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A config problem, always located: "addrmig.toml:12: unknown key 'colums'".
class ConfigError : public Error {
 public:
  ConfigError(std::string file, int line, const std::string& message)
      : Error(file + ":" + std::to_string(line) + ": " + message),
        file_(std::move(file)),
        line_(line) {}
  // A config problem that has no line (the file cannot be read at all): the
  // message is printed as is, so it must name the file itself.
  ConfigError(std::string file, const std::string& message)
      : Error(message), file_(std::move(file)), line_(0) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }  // 0: not located in the file

 private:
  std::string file_;
  int line_;
};

// Could not reach or log in to the database. The message names host and port,
// never the password.
class ConnectError : public Error {
 public:
  using Error::Error;
};

// A statement failed. `sqlstate` is set on PostgreSQL (empty on SQLite).
class DbError : public Error {
 public:
  DbError(const std::string& message, std::string sqlstate = {})
      : Error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// Another migration holds the lock, or a table lock the DDL needs was not
// granted in time. Safe to retry: nothing was changed.
class LockTimeout : public Error {
 public:
  using Error::Error;
};

// A standby did not replay an applied commit within --replica-timeout
// (exit 3). The primary has the commit: nothing to undo.
class ReplicaTimeout : public Error {
 public:
  using Error::Error;
};

// A saved plan no longer matches the database (exit 2, nothing changed).
class PlanChanged : public Error {
 public:
  using Error::Error;
};

// SIGINT or SIGTERM arrived: the running statement was cancelled and the
// transaction rolled back. The message says what was and was not done.
class Interrupted : public Error {
 public:
  Interrupted(int signal, const std::string& message) : Error(message), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

// The connection was lost while COMMIT was in flight and the server could not
// be asked afterwards whether it committed (exit 4).
class CommitUnknown : public Error {
 public:
  using Error::Error;
};

// Inside a catch block: rethrows the error in flight with its message passed
// through `reword`, keeping its type (and so its exit code) and its details.
template <typename Reword>
[[noreturn]] void rethrow_reworded(Reword reword) {
  try {
    throw;
  } catch (const Interrupted& e) {
    throw Interrupted(e.signal(), reword(e.what()));
  } catch (const LockTimeout& e) {
    throw LockTimeout(reword(e.what()));
  } catch (const CommitUnknown& e) {
    throw CommitUnknown(reword(e.what()));
  } catch (const PlanChanged& e) {
    throw PlanChanged(reword(e.what()));
  } catch (const DbError& e) {
    throw DbError(reword(e.what()), e.sqlstate());
  } catch (const Error& e) {
    throw Error(reword(e.what()));
  }
}

}  // namespace addrmig
