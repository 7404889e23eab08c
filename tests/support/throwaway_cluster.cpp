#include "tests/support/throwaway_cluster.h"

#include <soci/soci.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "lib/database_url.h"
#include "tests/support/cli.h"

namespace addrmig::test {

void ThrowawayCluster::script(const std::string& command) const {
  const std::string line = (source_dir() / "scripts" / "pg-cluster.sh").string() + " " + command + " " +
                           dir_.path().string() + " >/dev/null";
  REQUIRE(std::system(line.c_str()) == 0);
}

ThrowawayCluster::ThrowawayCluster() {
  script("start");
  std::string url = read_file(dir_.path() / "url");
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  base_url_ = url.substr(0, url.rfind('/') + 1);
}

ThrowawayCluster::~ThrowawayCluster() {
  const std::string line = (source_dir() / "scripts" / "pg-cluster.sh").string() + " stop " +
                           dir_.path().string() + " >/dev/null 2>&1";
  [[maybe_unused]] int rc = std::system(line.c_str());
}

std::string ThrowawayCluster::url(const std::string& dbname, const std::string& query) const {
  return base_url_ + dbname + query;
}

void ThrowawayCluster::exec(const std::string& sql, const std::string& dbname) const {
  Connection conn = Connection::open(parse_database_url(url(dbname)), OpenMode::ReadWrite);
  conn.session() << sql;
}

std::vector<std::string> ThrowawayCluster::query(const std::string& sql, const std::string& dbname) const {
  Connection conn = Connection::open(parse_database_url(url(dbname)), OpenMode::ReadWrite);
  std::vector<std::string> out;
  soci::rowset<std::string> rows = conn.session().prepare << sql;
  for (const std::string& row : rows) out.push_back(row);
  return out;
}

void ThrowawayCluster::crash() { script("crash"); }
void ThrowawayCluster::restart() { script("restart"); }

}  // namespace addrmig::test
