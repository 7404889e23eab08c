#include "tests/support/test_database.h"

#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "lib/database_url.h"
#include "lib/sql.h"

namespace addrmig::test {
namespace fs = std::filesystem;

namespace {

std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << rd() << "_" << ++counter;
  return out.str();
}

std::string url_from_file(const char* path, const char* what) {
  std::ifstream in(path);
  std::string url;
  if (!(in >> url)) FAIL("no " << what << ": run via ctest (its fixture writes " << path << ")");
  return url;
}

std::string cell_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "NULL";
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string: return row.get<std::string>(i);
    case soci::dt_integer: return std::to_string(row.get<int>(i));
    case soci::dt_long_long: return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_double: {
      std::ostringstream out;
      out.precision(17);
      out << row.get<double>(i);
      return out.str();
    }
    default: return "?";
  }
}

}  // namespace

// Replaces the database name of a postgresql:// URL.
std::string with_dbname(const std::string& url, const std::string& dbname) {
  auto query = url.find('?');
  std::string base = url.substr(0, query);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  auto slash = base.rfind('/');
  return base.substr(0, slash + 1) + dbname + rest;
}

std::string pgbouncer_admin_url() { return url_from_file(ADDRMIG_PGBOUNCER_URL_FILE, "PgBouncer"); }
std::string standby_admin_url() { return url_from_file(ADDRMIG_STANDBY_URL_FILE, "standby"); }

bool via_pgbouncer() {
  const char* via = std::getenv("ADDRMIG_TEST_PG_VIA");
  return via && std::string(via) == "pgbouncer";
}

std::string postgres_admin_url() {
  if (const char* env = std::getenv("ADDRMIG_TEST_PG_URL"); env && *env) return env;
  std::ifstream in(ADDRMIG_PG_URL_FILE);
  std::string url;
  if (!(in >> url)) FAIL("no PostgreSQL test cluster: run via ctest (fixture `postgres`) or set ADDRMIG_TEST_PG_URL");
  return url;
}

TempDir::TempDir() {
  path_ = fs::temp_directory_path() / ("addrmig-test-" + random_suffix());
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

TestDatabase::TestDatabase(Dialect dialect) : dialect_(dialect) {
  if (dialect == Dialect::Sqlite) {
    file_ = dir_.path() / "test.db";
    url_ = "sqlite:" + file_.string();
    return;
  }
  const std::string admin = postgres_admin_url();
  name_ = "t_" + random_suffix();
  Connection admin_session = Connection::open(parse_database_url(admin), OpenMode::ReadWrite);
  admin_session.execute("CREATE DATABASE " + quote_ident(name_));
  url_ = with_dbname(via_pgbouncer() ? pgbouncer_admin_url() : admin, name_);
}

TestDatabase::~TestDatabase() {
  if (dialect_ != Dialect::Postgres || name_.empty()) return;
  try {
    Connection admin_session =
        Connection::open(parse_database_url(postgres_admin_url()), OpenMode::ReadWrite);
    admin_session.execute("DROP DATABASE IF EXISTS " + quote_ident(name_) + " WITH (FORCE)");
  } catch (...) {
    // Best effort: the cluster is thrown away after the run anyway.
  }
}

Connection TestDatabase::connect() {
  return Connection::open(parse_database_url(url_), OpenMode::ReadWrite);
}

void TestDatabase::exec(const std::string& sql) {
  Connection conn = connect();
  if (dialect_ == Dialect::Postgres) {
    conn.session() << sql;  // simple query protocol takes several statements
    return;
  }
  // SOCI's SQLite backend prepares one statement at a time: split naively on
  // ';' at line ends, which fixtures respect.
  std::string statement;
  std::istringstream in(sql);
  std::string line;
  while (std::getline(in, line)) {
    statement += line + "\n";
    auto end = line.find_last_not_of(" \t\r");
    if (end != std::string::npos && line[end] == ';') {
      conn.session() << statement;
      statement.clear();
    }
  }
  if (statement.find_first_not_of(" \t\r\n") != std::string::npos) conn.session() << statement;
}

std::vector<std::string> TestDatabase::query(const std::string& sql) {
  Connection conn = connect();
  std::vector<std::string> out;
  // A one-time statement: a named one would not survive PgBouncer.
  soci::row row;
  soci::statement st(conn.session());
  st.exchange(soci::into(row));
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) line += "|";
      line += cell_text(row, i);
    }
    out.push_back(line);
  }
  return out;
}

std::int64_t TestDatabase::count(const std::string& sql) {
  auto rows = query(sql);
  REQUIRE(rows.size() == 1);
  return std::stoll(rows.front());
}

std::string TestDatabase::dump() {
  std::vector<std::string> tables =
      dialect_ == Dialect::Sqlite
          ? query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
          : query("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                  "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1");
  std::ostringstream out;
  if (dialect_ == Dialect::Sqlite) {
    for (const auto& sql : query("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema "
                                 "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"))
      out << sql << "\n";
  } else {
    for (const auto& col : query(
             "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || "
             "CASE WHEN a.attnotnull THEN ' not null' ELSE '' END FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
             "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema','pg_toast') "
             "AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','v','i') ORDER BY 1"))
      out << col << "\n";
    for (const auto& con : query(
             "SELECT conrelid::regclass || ' ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint "
             "WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) ORDER BY 1"))
      out << con << "\n";
  }
  for (const auto& table : tables) {
    const std::string name = dialect_ == Dialect::Sqlite ? quote_ident(table) : table;
    out << "== " << table << "\n";
    auto rows = query("SELECT * FROM " + name);
    std::sort(rows.begin(), rows.end());
    for (const auto& row : rows) out << row << "\n";
  }
  return out.str();
}

}  // namespace addrmig::test
