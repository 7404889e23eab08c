// SQLite files that change or fail under addrmig: a hot journal on a
// read-only file system, a database deleted before `apply FILE`, a database
// renamed over during an apply, a full disk. The file systems are real
// tmpfs mounts (the tests need root, as CI runs; elsewhere they are skipped
// with a warning).

#include <soci/soci.h>
#include <sys/mount.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "lib/database_url.h"
#include "tests/cli/faults_helpers.h"

using namespace addrmig;
using namespace addrmig::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const char* kOneParent =
    "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n"
    "[[parents]]\ntable = \"customer\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n";

// A tmpfs of `bytes` mounted on a fresh directory, unmounted on destruction.
class Tmpfs {
 public:
  explicit Tmpfs(std::size_t bytes) {
    const std::string options = "size=" + std::to_string(bytes);
    mounted_ = mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) WARN("cannot mount a tmpfs here (needs root): test skipped");
  }
  ~Tmpfs() {
    if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const fs::path& path() const { return dir_.path(); }
  void make_read_only() {
    REQUIRE(mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0);
  }

 private:
  TempDir dir_;
  bool mounted_ = false;
};

std::filesystem::path config_for(const TempDir& dir, const fs::path& db, const std::string& body = kOneParent) {
  write_file(dir.path() / "addrmig.toml", "[database]\nurl = \"sqlite:" + db.string() + "\"\n\n" + body);
  return dir.path() / "addrmig.toml";
}

Connection open_file(const fs::path& db) {
  return Connection::open(parse_database_url("sqlite:" + db.string()), OpenMode::ReadWrite);
}

std::string schema_and_count(const fs::path& db, const std::string& table) {
  Connection conn = open_file(db);
  std::string out;
  soci::rowset<std::string> rows = conn.session().prepare << "SELECT name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name";
  for (const std::string& row : rows) out += row + "\n";
  int count = 0;
  conn.session() << "SELECT count(*) FROM " + table, soci::into(count);
  return out + table + ": " + std::to_string(count) + " rows\n";
}

}  // namespace

TEST_CASE("a hot journal on a read-only file system is named with what it needs", "[sqlite]") {
  TempDir work;
  const fs::path original = work.path() / "app.db";
  {
    Connection conn = open_file(original);
    conn.execute("CREATE TABLE customer (id integer PRIMARY KEY, name text)");
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
                 " INSERT INTO customer SELECT i, printf('%0200d', i) FROM n");
  }
  Tmpfs tmpfs(16 << 20);
  if (!tmpfs.mounted()) return;
  const fs::path db = tmpfs.path() / "app.db";
  {
    // Freeze a writer mid-transaction: its cache spilled, so the database
    // file holds new pages and the journal the old ones. The copies are a
    // database with a hot journal, as a crash leaves them.
    Connection writer = open_file(original);
    writer.execute("PRAGMA cache_size = 5");
    writer.execute("BEGIN");
    writer.execute("UPDATE customer SET name = 'x' || name");
    REQUIRE(fs::exists(original.string() + "-journal"));
    fs::copy_file(original, db);
    fs::copy_file(original.string() + "-journal", db.string() + "-journal");
    writer.execute("ROLLBACK");
  }
  tmpfs.make_read_only();
  TempDir dir;
  const auto config = config_for(dir, db);
  for (const char* command : {"plan", "history"}) {
    CliResult r = cli(config, {command});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const std::string line = only_line(r.err);
    CHECK(line.find("hot journal " + db.string() + "-journal") != std::string::npos);
    CHECK(line.find("read-only") != std::string::npos);
  }
}

TEST_CASE("apply FILE after the database file was deleted creates nothing", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_config(db, kOneParent);
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text);");
  const auto plan = db.dir() / "plan.sql";
  REQUIRE(cli(config, {"plan", "--out", plan.string()}).exit_code == 0);
  fs::remove(db.file());
  CliResult r = cli(config, {"apply", plan.string()});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(only_line(r.err).find("does not exist") != std::string::npos);
  CHECK(r.err.find("nothing was created") != std::string::npos);
  CHECK_FALSE(fs::exists(db.file()));
}

TEST_CASE("a database renamed over during apply: refused before COMMIT, both files unchanged", "[sqlite]") {
  TestDatabase db(Dialect::Sqlite);
  const auto config = write_config(db, kOneParent);
  db.exec("CREATE TABLE customer (id integer PRIMARY KEY, name text);\nINSERT INTO customer VALUES (1, 'c1');\n");
  const fs::path replacement = db.dir() / "replacement.db";
  const fs::path old_inode = db.dir() / "old.db";
  fs::copy_file(db.file(), replacement);
  fs::create_hard_link(db.file(), old_inode);  // keeps the file addrmig opens reachable
  const std::string before = schema_and_count(db.file(), "customer");

  // A reader holds the file, so the apply waits in BEGIN EXCLUSIVE once it
  // has opened it; meanwhile another file is renamed over the path.
  Connection reader = db.connect();
  reader.execute("BEGIN");
  int rows = 0;
  reader.session() << "SELECT count(*) FROM customer", soci::into(rows);
  BackgroundAddrmig apply({"-c", config.string(), "--lock-timeout", "30", "apply"});
  REQUIRE(eventually([&] {
    // The apply has the old file open.
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(apply.pid()) + "/fd", ec))
      if (fs::read_symlink(fd.path(), ec) == db.file()) return true;
    return false;
  }));
  std::this_thread::sleep_for(200ms);  // and reached its BEGIN, which waits for the reader
  fs::rename(replacement, db.file());
  reader.execute("ROLLBACK");
  const int code = apply.wait(30s);
  INFO(apply.err());
  CHECK(code == 1);
  const std::string line = only_line(apply.err());
  CHECK(line.find("was replaced") != std::string::npos);
  CHECK(line.find("nothing was applied") != std::string::npos);
  CHECK(schema_and_count(db.file(), "customer") == before);
  CHECK(schema_and_count(old_inode, "customer") == before);
  CHECK_FALSE(fs::exists(db.file().string() + "-journal"));
}

TEST_CASE("a full disk during a SQLite rebuild: rolled back, no journal left, nothing changed", "[sqlite]") {
  TempDir work;
  const fs::path built = work.path() / "app.db";
  {
    Connection conn = open_file(built);
    conn.execute("CREATE TABLE customer (id integer PRIMARY KEY, name text)");
    conn.execute("INSERT INTO customer VALUES (1, 'c1')");
    // No FK: apply rebuilds the table, which needs room for a second copy.
    conn.execute("CREATE TABLE customer_address (id integer PRIMARY KEY, parent_id integer NOT NULL, street text NOT NULL)");
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                 " INSERT INTO customer_address SELECT i, 1, printf('%0100d', i) FROM n");
  }
  Tmpfs tmpfs(fs::file_size(built) + (256 << 10));
  if (!tmpfs.mounted()) return;
  const fs::path db = tmpfs.path() / "app.db";
  fs::copy_file(built, db);
  const std::string before = schema_and_count(db, "customer_address");
  TempDir dir;
  const auto config = config_for(dir, db);
  CliResult r = cli(config, {"apply"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const std::string line = only_line(r.err);
  CHECK(line.find("full") != std::string::npos);
  CHECK(line.find("nothing was applied") != std::string::npos);
  CHECK_FALSE(fs::exists(db.string() + "-journal"));
  CHECK(schema_and_count(db, "customer_address") == before);
}
