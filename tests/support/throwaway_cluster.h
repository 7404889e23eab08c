#pragma once
// A PostgreSQL cluster of one test's own (scripts/pg-cluster.sh), for faults
// that would disturb the shared one: crashes (pg_ctl -m immediate) and
// server-wide settings (synchronous_standby_names).

#include <string>

#include "tests/support/test_database.h"

namespace addrmig::test {

class ThrowawayCluster {
 public:
  ThrowawayCluster();   // initdb and start (~2 s)
  ~ThrowawayCluster();  // stop and remove
  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;

  // postgresql://postgres@127.0.0.1:PORT/<dbname><query>
  std::string url(const std::string& dbname = "postgres", const std::string& query = "") const;
  // Runs `sql` on `dbname` (several statements are fine).
  void exec(const std::string& sql, const std::string& dbname = "postgres") const;
  std::vector<std::string> query(const std::string& sql, const std::string& dbname = "postgres") const;
  void crash();    // pg_ctl stop -m immediate
  void restart();  // start again on the same port, after crash recovery

 private:
  void script(const std::string& command) const;
  TempDir dir_;
  std::string base_url_;  // without the database name
};

}  // namespace addrmig::test
