// libaddrmig_postgres.so: see lib/postgres/module.h for why this is apart.
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <map>
#include <memory>

#include "lib/postgres/module.h"

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

using Options = std::map<std::string, std::string>;

// keyword -> value of a libpq option array, without the unset ones.
Options options_of(PQconninfoOption* options) {
  Options out;
  for (PQconninfoOption* o = options; o && o->keyword; ++o)
    if (o->val && *o->val) out[o->keyword] = o->val;
  return out;
}

// What libpq connects to for `conninfo`: its values, else what PQconndefaults()
// resolves from the environment (PGHOST, PGPORT, PGDATABASE, PGUSER) and the
// compiled-in defaults, the way libpq's connectOptions2 fills the gaps.
addrmig::PostgresTarget describe_target(const std::string& conninfo) {
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
      PQconninfoParse(conninfo.c_str(), nullptr), &PQconninfoFree);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> defaults(PQconndefaults(),
                                                                        &PQconninfoFree);
  Options given = options_of(parsed.get());
  const Options fallback = options_of(defaults.get());
  auto value = [&](const std::string& key) {
    if (auto it = given.find(key); it != given.end()) return it->second;
    if (auto it = fallback.find(key); it != fallback.end()) return it->second;
    return std::string();
  };
  addrmig::PostgresTarget target;
  target.host = value("host");
  if (target.host.empty()) target.host = value("hostaddr");
  target.port = value("port");
  target.dbname = value("dbname");
  if (target.dbname.empty()) target.dbname = value("user");  // libpq's default database
  return target;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const addrmig::PostgresModule*
addrmig_postgres_module() {
  static const addrmig::PostgresModule module{addrmig::kPostgresModuleVersion,
                                              &connect,
                                              &sqlstate,
                                              &describe_target,
                                              &make_canceller,
                                              &cancel,
                                              &free_canceller,
                                              &route_notices,
                                              &connection_ok};
  return &module;
}
