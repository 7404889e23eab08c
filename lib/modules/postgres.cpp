// libaddrmig_postgres.so: see lib/postgres_module.h for why this is apart.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <libpq-fe.h>

#include "lib/postgres_module.h"

namespace {

// libpq prints NOTICEs on stderr by itself ("relation ... already exists,
// skipping"); they are not ours to show. Dropped on the client side, because
// `SET client_min_messages` is session state that a transaction-pooling
// PgBouncer would neither keep nor confine to this client.
void ignore_notice(void*, const char*) {}

std::unique_ptr<soci::session> connect(const std::string& conninfo) {
  auto session = std::make_unique<soci::session>(soci::postgresql, conninfo);
  auto* backend = static_cast<soci::postgresql_session_backend*>(session->get_backend());
  PQsetNoticeProcessor(backend->conn_, &ignore_notice, nullptr);
  return session;
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

}  // namespace

extern "C" __attribute__((visibility("default"))) const addrmig::PostgresModule*
addrmig_postgres_module() {
  static const addrmig::PostgresModule module{addrmig::kPostgresModuleVersion, &connect, &sqlstate};
  return &module;
}
