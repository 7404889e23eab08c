#pragma once
// Fresh, real databases for tests: a SQLite file in a temp dir, or a new
// database on the throwaway PostgreSQL cluster (scripts/pg-cluster.sh, started
// by the CTest fixture `postgres`). Removed again on destruction.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/connection.h"
#include "lib/schema.h"

namespace addrmig::test {

// URL of the cluster's maintenance database: $ADDRMIG_TEST_PG_URL, else the
// file the fixture wrote. Fails the test when neither exists.
std::string postgres_admin_url();

// PgBouncer (transaction pooling) in front of that cluster, and a streaming
// standby of it: URLs of their maintenance database. Fail the test when the
// fixture (`pgbouncer`, `standby`) did not start them.
std::string pgbouncer_admin_url();
std::string standby_admin_url();

// `url` with its database name replaced.
std::string with_dbname(const std::string& url, const std::string& dbname);

// True when the test runs through PgBouncer (ADDRMIG_TEST_PG_VIA=pgbouncer):
// TestDatabase URLs then point at PgBouncer.
bool via_pgbouncer();

// A temp directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class TestDatabase {
 public:
  explicit TestDatabase(Dialect dialect);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Dialect dialect() const { return dialect_; }
  const std::string& url() const { return url_; }
  // SQLite: the file. PostgreSQL: empty.
  const std::filesystem::path& file() const { return file_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // PostgreSQL: the database name.
  const std::string& name() const { return name_; }

  Connection connect();
  // Runs raw SQL (fixture setup). Several statements separated by ';' are
  // fine on both dialects.
  void exec(const std::string& sql);
  // Single-column query results as text (NULL -> "NULL"), in result order.
  std::vector<std::string> query(const std::string& sql);
  std::int64_t count(const std::string& sql);
  // Every user table with every row, sorted: a full dump for "nothing changed"
  // assertions (schema and data).
  std::string dump();

 private:
  Dialect dialect_;
  TempDir dir_;
  std::filesystem::path file_;
  std::string url_;
  std::string name_;  // PostgreSQL database name
};

}  // namespace addrmig::test
