#pragma once
// The boundary between addrmig and libaddrmig_postgres.so, the module that
// holds the only code linked against libpq (through SOCI's PostgreSQL
// backend). libpq brings ~25 shared libraries (Kerberos, LDAP, GnuTLS, ...);
// resolving them at every start-up was three quarters of `addrmig --version`
// and of a small SQLite apply. Only a postgresql:// URL loads the module.
//
// Both sides are built from this tree by the same compiler, so the table may
// pass C++ types; the version number guards against a stale module.

#include <exception>
#include <memory>
#include <string>

namespace soci {
class session;
}

namespace addrmig {

inline constexpr int kPostgresModuleVersion = 3;

// Where libpq connects for a conninfo, as libpq resolves it (environment and
// compiled-in defaults included). host: a name, an address, a socket
// directory (starts with '/'), a comma-separated list, or "" (the default
// socket directory).
struct PostgresTarget {
  std::string host;
  std::string port;
  std::string dbname;
};

struct PostgresModule {
  int version = kPostgresModuleVersion;
  // Opens a session on a libpq conninfo string; throws soci::soci_error.
  std::unique_ptr<soci::session> (*connect)(const std::string& conninfo) = nullptr;
  // The SQLSTATE carried by `error` when libpq raised it, else "".
  std::string (*sqlstate)(const std::exception_ptr& error) = nullptr;
  PostgresTarget (*describe_target)(const std::string& conninfo) = nullptr;
  // A cancel handle for the session's connection (PQgetCancel), or nullptr;
  // free it with free_canceller.
  void* (*make_canceller)(soci::session& session) = nullptr;
  // Asks the server to cancel the statement running on that connection
  // (PQcancel): safe to call from another thread while it runs.
  void (*cancel)(void* canceller) = nullptr;
  void (*free_canceller)(void* canceller) = nullptr;
  // Hands the server's notices, warnings and the messages it sends when it
  // ends a session (FATAL, PANIC) to `sink` instead of printing them on
  // stderr, as libpq does by default.
  void (*route_notices)(soci::session& session, void (*sink)(const char* message)) = nullptr;
  // False once the connection to the server is lost.
  bool (*connection_ok)(soci::session& session) = nullptr;
};

// Loads the module on first use and keeps it loaded (sessions it opened call
// into it until exit). Throws ConnectError naming the library when it cannot.
const PostgresModule& postgres_module();

// The module if a PostgreSQL session was ever opened, else nullptr: an error
// can only carry a SQLSTATE then, so error mapping never loads it.
const PostgresModule* loaded_postgres_module();

}  // namespace addrmig

// The module's one exported symbol.
extern "C" const addrmig::PostgresModule* addrmig_postgres_module();
