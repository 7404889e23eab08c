// libaddrmig_postgres.so: see lib/postgres_module.h for why this is apart.
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "lib/postgres_module.h"

namespace {

PGconn* pg_conn(soci::session& session) {
  return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

std::unique_ptr<soci::session> connect(const std::string& conninfo) {
  return std::make_unique<soci::session>(soci::postgresql, conninfo);
}

std::string sqlstate(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const soci::postgresql_soci_error& e) {
    return e.sqlstate();
  } catch (...) {
    return {};
  }
}

void* make_canceller(soci::session& session) { return PQgetCancel(pg_conn(session)); }

void cancel(void* canceller) {
  char error[256];
  PQcancel(static_cast<PGcancel*>(canceller), error, sizeof error);
}

void free_canceller(void* canceller) { PQfreeCancel(static_cast<PGcancel*>(canceller)); }

// One sink for the process: addrmig logs every session's notices the same way.
void (*g_notice_sink)(const char*) = nullptr;

void route_notices(soci::session& session, void (*sink)(const char* message)) {
  g_notice_sink = sink;
  PQsetNoticeProcessor(
      pg_conn(session), [](void*, const char* message) { if (g_notice_sink) g_notice_sink(message); },
      nullptr);
}

bool connection_ok(soci::session& session) { return PQstatus(pg_conn(session)) == CONNECTION_OK; }

}  // namespace

extern "C" __attribute__((visibility("default"))) const addrmig::PostgresModule*
addrmig_postgres_module() {
  static const addrmig::PostgresModule module{addrmig::kPostgresModuleVersion,
                                              &connect,
                                              &sqlstate,
                                              &make_canceller,
                                              &cancel,
                                              &free_canceller,
                                              &route_notices,
                                              &connection_ok};
  return &module;
}
