#include "lib/postgres/session.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/interrupt.h"
#include "lib/postgres/module.h"
#include "lib/sql.h"

namespace addrmig::postgres {
namespace {

// Every PostgreSQL session, in one round trip: client_encoding UTF8 (config
// text, identifiers and seed values are UTF-8; the server converts to its own
// encoding and refuses text it cannot represent, SQLSTATE 22P05, instead of
// storing mojibake) and DateStyle ISO. Only these two: PgBouncer tracks them
// per client and sets them on whichever server connection a transaction gets.
// Everything else is set per transaction (transaction_settings): a session
// SET behind a transaction-pooling PgBouncer would stay behind on a server
// connection that other clients use next. The same round trip says whether
// the server is a standby in recovery: one short statement at connect, the
// only one a role's statement_timeout can still cut short.
constexpr const char* kSessionSettings =
    "SELECT set_config('client_encoding', 'UTF8', false), set_config('DateStyle', 'ISO, YMD', false),"
    " CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END";

// Applies kSessionSettings; true when the server is in recovery.
bool apply_session_settings(soci::session& session) {
  std::string encoding, date_style;
  int recovering = 0;
  session << kSessionSettings, soci::into(encoding), soci::into(date_style), soci::into(recovering);
  return recovering != 0;
}

// "host:port (database d)" as libpq resolved them; a socket directory or the
// default one for a local connection.
std::string where(const PostgresTarget& target) {
  std::string host = target.host.empty()          ? std::string("the local socket")
                     : target.host.front() == '/' ? "socket directory " + target.host
                                                  : target.host;
  if (!target.port.empty()) host += (target.host.empty() || target.host.front() == '/' ? " port " : ":") + target.port;
  return escape_control(host) + " (database " + escape_control(target.dbname) + ")";
}

// libpq's notices and the server's last words before it closes a session
// ("FATAL: terminating connection due to administrator command"): the error
// that follows says what matters in addrmig's words; the server's text is a
// debug log.
void log_server_notice(const char* message) {
  spdlog::debug("server: {}", driver_message(message));
}

// Declared in this order so that, on destruction, the cancel registration
// goes first (no cancel can run any more), then the cancel handle, then the
// session.
class PostgresSession : public DialectSession {
 public:
  soci::session& session() override { return *session_; }
  bool connection_ok() const override { return postgres_module().connection_ok(*session_); }

  std::unique_ptr<soci::session> session_;
  std::shared_ptr<void> canceller_;
  std::unique_ptr<CancelRegistration> cancel_registration_;
};

}  // namespace

std::unique_ptr<DialectSession> open_session(const DatabaseUrl& url, OpenMode mode) {
  const PostgresModule& postgres = postgres_module();
  auto out = std::make_unique<PostgresSession>();
  try {
    // fallback_application_name first: a URL's own application_name wins;
    // pg_stat_activity shows "addrmig" otherwise.
    out->session_ = postgres.connect("fallback_application_name=addrmig " + url.conninfo);
    // libpq prints notices and the messages of a server that ends the
    // session (FATAL, PANIC) on stderr by itself; they are not ours to show.
    postgres.route_notices(*out->session_, &log_server_notice);
    out->canceller_ = std::shared_ptr<void>(postgres.make_canceller(*out->session_),
                                            [free = postgres.free_canceller](void* c) {
                                              if (c) free(c);
                                            });
    if (void* canceller = out->canceller_.get())
      out->cancel_registration_ =
          std::make_unique<CancelRegistration>([cancel = postgres.cancel, canceller] { cancel(canceller); });
    const bool recovering = apply_session_settings(*out->session_);
    // Read-only commands run in BEGIN READ ONLY transactions (begin_read);
    // the writing ones fail here, before any lock or plan: a hot standby
    // accepts the reads and would fail only at the first write, mid-apply.
    if (mode != OpenMode::ReadOnly && recovering)
      throw ConnectError(url.redacted + " is a read-only standby (in recovery): apply, seed and run need the primary");
  } catch (const soci::soci_error& e) {
    throw ConnectError("cannot connect to PostgreSQL at " + where(postgres.describe_target(url.conninfo)) +
                       ": " + redact(driver_message(e.get_error_message()), url.secrets));
  }
  return out;
}

std::string transaction_settings(std::chrono::milliseconds lock_timeout) {
  const long long ms = lock_timeout.count() <= 0 ? 1 : lock_timeout.count();
  // row_security off: the checks that decide about data (orphans, NULLs,
  // seed lookups, verify) must see every row; a query that a row-level
  // security policy would filter fails (42501) instead of seeing fewer rows.
  // extra_float_digits 1: floats read back as text in one exact spelling.
  return "SELECT set_config('lock_timeout', '" + std::to_string(ms) + "', true),"
         " set_config('statement_timeout', '0', true),"
         " set_config('idle_in_transaction_session_timeout', '0', true),"
         " set_config('row_security', 'off', true),"
         " set_config('extra_float_digits', '1', true), set_config('DateStyle', 'ISO, YMD', true),"
         " CASE WHEN current_setting('server_version_num')::int >= 140000"
         " THEN set_config('client_connection_check_interval', '500', true) END";
}

}  // namespace addrmig::postgres
