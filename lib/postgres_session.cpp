#include "lib/postgres_session.h"

namespace addrmig {

std::string postgres_transaction_settings(std::chrono::milliseconds lock_timeout) {
  const long long ms = lock_timeout.count() <= 0 ? 1 : lock_timeout.count();
  return "SELECT set_config('lock_timeout', '" + std::to_string(ms) + "', true),"
         " set_config('statement_timeout', '0', true),"
         " set_config('idle_in_transaction_session_timeout', '0', true),"
         " set_config('row_security', 'off', true),"
         " CASE WHEN current_setting('server_version_num')::int >= 140000"
         " THEN set_config('client_connection_check_interval', '500', true) END";
}

}  // namespace addrmig
