// libaddrmig_postgres.so: see lib/postgres/module.h for why this is apart.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "lib/postgres/module.h"

namespace {

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

}  // namespace

extern "C" __attribute__((visibility("default"))) const addrmig::PostgresModule*
addrmig_postgres_module() {
  static const addrmig::PostgresModule module{addrmig::kPostgresModuleVersion, &connect, &sqlstate};
  return &module;
}
