// A production PostgreSQL server's own settings: a LATIN1 database, row-level
// security with a non-superuser owner, secrets in libpq parameters, and the
// environment deciding where libpq connects (issue #14).

#include <soci/soci.h>
#include <unistd.h>

#include "tests/cli/cli_helpers.h"

namespace addrmig::test {
namespace {

std::string unique(const std::string& prefix) { return prefix + std::to_string(getpid()) + "_" + std::to_string(rand() % 100000); }

// The test cluster's URL for another database.
std::string url_for(const std::string& dbname) {
  std::string url = postgres_admin_url();
  return url.substr(0, url.rfind('/') + 1) + dbname;
}

// A database of its own encoding, dropped on destruction.
class EncodedDatabase {
 public:
  explicit EncodedDatabase(const std::string& encoding) : name_(unique("enc_")) {
    admin().execute("CREATE DATABASE " + name_ + " ENCODING '" + encoding +
                    "' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
  }
  ~EncodedDatabase() {
    try {
      admin().execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  std::string url() const { return url_for(name_); }
  std::string query(const std::string& sql) const {
    Connection conn = Connection::open(parse_database_url(url()), OpenMode::ReadWrite);
    std::string out;
    conn.session() << sql, soci::into(out);
    return out;
  }

 private:
  static Connection admin() { return Connection::open(parse_database_url(postgres_admin_url()), OpenMode::ReadWrite); }
  std::string name_;
};

std::string write_config_at(const TempDir& dir, const std::string& url, const std::string& body) {
  const auto path = dir.path() / "addrmig.toml";
  write_file(path, "[database]\nurl = \"" + url + "\"\n\n" + body);
  return path.string();
}

}  // namespace

TEST_CASE("a LATIN1 database stores config text as characters, and refuses text it cannot hold", "[postgres]") {
  EncodedDatabase latin1("LATIN1");
  TempDir dir;
  const std::string config = write_config_at(dir, latin1.url(), R"(
[related]
columns = [ { name = "straße", type = "text" } ]

[[parents]]
table = "kunde"
columns = [ { name = "name", type = "text" } ]

[[seed]]
parent = "kunde"
values = { name = "Jürgen" }
addresses = [ { "straße" = "Königstraße 1" } ]
)");
  CliResult run = run_addrmig({"-c", config, "run"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // The server holds LATIN1 bytes: ü = fc, ß = df (not the two UTF-8 bytes each).
  CHECK(latin1.query("SELECT encode(convert_to(name, 'LATIN1'), 'hex') FROM kunde") == "4afc7267656e");
  CHECK(latin1.query("SELECT encode(convert_to(attname::text, 'LATIN1'), 'hex') FROM pg_attribute "
                     "WHERE attrelid = 'kunde_address'::regclass AND attname LIKE 'stra%'") == "73747261df65");
  CHECK(run_addrmig({"-c", config, "verify"}).exit_code == 0);
  CHECK(run_addrmig({"-c", config, "seed"}).out.find("inserted 0 parent rows and 0 address rows") != std::string::npos);

  // Text LATIN1 cannot hold: one clear line, and the whole seed rolled back
  // (the parent row inserted before the failing address too).
  const std::string tokyo = write_config_at(dir, latin1.url(), R"(
[related]
columns = [ { name = "straße", type = "text" } ]

[[parents]]
table = "kunde"

[[seed]]
parent = "kunde"
values = { name = "Tokio" }
addresses = [ { "straße" = "東京" } ]
)");
  CliResult refused = run_addrmig({"-c", tokyo, "seed"});
  CHECK(refused.exit_code == 1);
  CHECK(count_lines(refused.err) == 1);
  CHECK(refused.err.find("encoding") != std::string::npos);
  CHECK(latin1.query("SELECT count(*)::text FROM kunde WHERE name = 'Tokio'") == "0");
  CHECK(latin1.query("SELECT count(*)::text FROM kunde_address") == "1");
}

TEST_CASE("row-level security that hides rows blocks the data checks instead of fooling them", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const std::string role = unique("rls_owner_");
  db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw';"
          "CREATE TABLE customer (id integer PRIMARY KEY, name text, tenant text);"
          "CREATE TABLE customer_address (id serial PRIMARY KEY, street text NOT NULL,"
          "  parent_id integer NOT NULL, tenant text);"
          "INSERT INTO customer VALUES (1, 'a', 'a'), (2, 'b', 'b');"
          "INSERT INTO customer_address (street, parent_id, tenant) VALUES ('x', 1, 'a'), ('y', 999, 'b');"
          "ALTER TABLE customer OWNER TO " + role + "; ALTER TABLE customer_address OWNER TO " + role + ";"
          "ALTER TABLE customer_address ENABLE ROW LEVEL SECURITY;"
          "ALTER TABLE customer_address FORCE ROW LEVEL SECURITY;"
          "CREATE POLICY only_a ON customer_address USING (tenant = 'a');");
  const auto config = write_config(db, R"(
[related]
columns = [ { name = "street", type = "text" } ]

[[parents]]
table = "customer"

[[seed]]
parent = "customer"
values = { name = "a" }
addresses = [ { street = "x" }, { street = "new" } ]
)");
  std::string as_owner = db.url();
  as_owner.replace(as_owner.find("postgres@"), 9, role + ":pw@");

  // The superuser sees every row: the orphan (parent 999) blocks the FK.
  CliResult admin = cli(config, {"plan"});
  CHECK(admin.exit_code == 1);
  CHECK(admin.out.find("orphan") != std::string::npos);

  // The owner under FORCE ROW LEVEL SECURITY would count no orphan: blocked, naming RLS.
  CliResult owner = cli(config, {"--database", as_owner, "plan"});
  INFO(owner.out << owner.err);
  CHECK(owner.exit_code == 1);
  CHECK(owner.out.find("row-level security on public.customer_address hides rows") != std::string::npos);
  CliResult owner_json = cli(config, {"--database", as_owner, "--format", "json", "plan"});
  CHECK(owner_json.out.find("\"row_security\"") != std::string::npos);

  // A policy on the parent would make valid rows look like orphans: blocked too.
  db.exec("DELETE FROM customer_address WHERE parent_id = 999;"
          "ALTER TABLE customer_address NO FORCE ROW LEVEL SECURITY;"
          "ALTER TABLE customer ENABLE ROW LEVEL SECURITY; ALTER TABLE customer FORCE ROW LEVEL SECURITY;"
          "CREATE POLICY tenant_a ON customer USING (tenant = 'a');"
          "INSERT INTO customer_address (street, parent_id, tenant) VALUES ('z', 2, 'b');");
  CliResult parent_hidden = cli(config, {"--database", as_owner, "plan"});
  CHECK(parent_hidden.exit_code == 1);
  CHECK(parent_hidden.out.find("row-level security on public.customer hides rows") != std::string::npos);
  CHECK(parent_hidden.out.find("fix or delete") == std::string::npos);

  // Seed under a SELECT policy would not find its own rows and insert them
  // again on every run: it fails loudly and inserts nothing.
  db.exec("ALTER TABLE customer NO FORCE ROW LEVEL SECURITY;"
          "ALTER TABLE customer_address FORCE ROW LEVEL SECURITY;"
          "CREATE POLICY insert_any ON customer_address FOR INSERT WITH CHECK (true);");
  const std::string before = db.dump();
  CliResult seed = cli(config, {"--database", as_owner, "seed"});
  CHECK(seed.exit_code == 1);
  CHECK(count_lines(seed.err) == 1);
  CHECK(seed.err.find("row-level security") != std::string::npos);
  CHECK(db.dump() == before);

  // The owner without FORCE is not filtered: the plan proceeds.
  db.exec("ALTER TABLE customer_address NO FORCE ROW LEVEL SECURITY;");
  CliResult unforced = cli(config, {"--database", as_owner, "plan"});
  INFO(unforced.out << unforced.err);
  CHECK(unforced.exit_code == 0);
  db.exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_CASE("secret libpq parameters never appear, in any letter case, in logs or errors", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_example_config(db);
  const std::string url = db.url() + "?sslmode=disable&sslpassword=ssl-s3cret";
  CliResult verbose = cli(config, {"-v", "--database", url, "plan"});
  CHECK(verbose.exit_code == 0);
  CHECK(verbose.err.find("connecting to") != std::string::npos);
  CHECK(verbose.err.find("ssl-s3cret") == std::string::npos);
  for (const std::string& bad : {db.url() + "?sslpassword=ssl-s3cret&port=1,2",
                                 db.url() + "?PASSWORD=pw-s3cret", db.url() + "?SslPassword=ssl-s3cret&x"}) {
    CliResult r = cli(config, {"-v", "--database", bad, "plan"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("connection errors name the host, port and database libpq resolved", "[postgres]") {
  TempDir dir;
  write_file(dir.path() / "addrmig.toml", read_file(source_dir() / "configs" / "example.toml"));
  const std::string config = (dir.path() / "addrmig.toml").string();
  CliOptions env;
  env.env = {{"PGHOST", "127.0.0.1"}, {"PGPORT", "1"}, {"PGDATABASE", "appdb"}};
  CliResult bare = run_addrmig({"-c", config, "--database", "postgresql://", "plan"}, env);
  CHECK(bare.exit_code == 1);
  CHECK(count_lines(bare.err) == 1);
  CHECK(bare.err.find("at 127.0.0.1:1 (database appdb)") != std::string::npos);

  env.env = {{"PGPORT", "7777"}};
  CliResult socket = run_addrmig(
      {"-c", config, "--database", "postgresql://app@/app?host=" + dir.path().string(), "plan"}, env);
  CHECK(socket.exit_code == 1);
  CHECK(socket.err.find("socket directory " + dir.path().string() + " port 7777 (database app)") !=
        std::string::npos);
}

}  // namespace addrmig::test
