// Behind a transaction-pooling PgBouncer the next transaction may run on
// another server connection, which other clients use next: addrmig must leave
// no session state behind there (a session SET would stay on the server
// connection, and a named prepared statement would be missing on the next one).

#include <map>

#include "tests/cli/fleet_helpers.h"

namespace addrmig::test {
namespace {

// Settings addrmig changes inside its own transactions, with the server's defaults.
const std::map<std::string, std::string> kDefaults = {
    {"row_security", "on"},        {"default_transaction_read_only", "off"},
    {"client_min_messages", "notice"}, {"lock_timeout", "0"},
    {"statement_timeout", "0"},    {"idle_in_transaction_session_timeout", "0"}};

std::string setting(Connection& conn, const std::string& name) {
  std::string value;
  conn.session() << "SELECT current_setting(:name)", soci::use(name), soci::into(value);
  return value;
}

// Both server connections of the pool at once (the pool holds 2): two open
// transactions, each on its own server connection.
void check_pool_is_clean(TestDatabase& db) {
  Connection a = db.connect(), b = db.connect();
  a.execute("BEGIN");
  b.execute("BEGIN");
  int pid_a = 0, pid_b = 0;
  a.session() << "SELECT pg_backend_pid()", soci::into(pid_a);
  b.session() << "SELECT pg_backend_pid()", soci::into(pid_b);
  REQUIRE(pid_a != pid_b);
  for (Connection* conn : {&a, &b})
    for (const auto& [name, value] : kDefaults) {
      INFO("server connection setting " << name);
      CHECK(setting(*conn, name) == value);
    }
  a.execute("COMMIT");
  b.execute("COMMIT");
}

}  // namespace

TEST_CASE("behind PgBouncer every command leaves the pool's server connections as it found them", "[pooled]") {
  REQUIRE(via_pgbouncer());
  TestDatabase db(Dialect::Postgres);
  const auto config = write_config(db, parents_config(3));
  for (const char* command : {"plan", "run", "audit", "verify", "history", "seed"}) {
    INFO("addrmig " << command);
    // Once while the test holds one server connection (addrmig gets the
    // other), once with both free.
    {
      Connection holder = db.connect();
      holder.execute("BEGIN");
      CHECK(cli(config, {command}).exit_code == 0);
      holder.execute("COMMIT");
    }
    CHECK(cli(config, {command}).exit_code == 0);
    check_pool_is_clean(db);
  }
}

}  // namespace addrmig::test
