// Races, crashes and failing servers: nothing half-done, nothing hangs.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "tests/cli/cli_helpers.h"

using namespace addrmig;
using namespace addrmig::test;

namespace {

// A config with `n` parents, each created by apply with its address table.
std::string many_parents(int n) {
  std::string body = "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n";
  for (int i = 0; i < n; ++i)
    body += "\n[[parents]]\ntable = \"p" + std::to_string(i) + "\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n";
  return body;
}

std::int64_t user_tables(TestDatabase& db) {
  return db.dialect() == Dialect::Sqlite
             ? db.count("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 'p%'")
             : db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'p%'");
}

pid_t spawn_addrmig(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<std::string> copy = args;
    std::vector<char*> argv{const_cast<char*>(ADDRMIG_BINARY)};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    unsetenv("ADDRMIG_DATABASE_URL");
    execv(ADDRMIG_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void concurrent_applies_apply_once(Dialect dialect) {
  TestDatabase db(dialect);
  const auto config = write_config(db, many_parents(20));
  std::vector<pid_t> pids;
  for (int i = 0; i < 8; ++i) pids.push_back(spawn_addrmig({"-c", config.string(), "-q", "apply"}));
  for (pid_t pid : pids) CHECK(wait_exit(pid) == 0);
  CHECK(user_tables(db) == 40);
  CHECK(db.count("SELECT count(*) FROM addrmig_history") == 1);
  CHECK(cli(config, {"plan", "--check"}).exit_code == 0);
}
POOLED_DIALECT_TEST("8 concurrent applies all succeed and apply once", concurrent_applies_apply_once)

void killed_apply_leaves_all_or_nothing(Dialect dialect) {
  std::mt19937 random(20261125);
  // How long a whole apply takes here, so kills land inside it.
  long full_ms = 0;
  {
    TestDatabase db(dialect);
    const auto config = write_config(db, many_parents(200));
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(cli(config, {"apply"}).exit_code == 0);
    full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  }
  int partial_states = 0;
  // Five kills at random moments; scripts/faults.sh runs many more by hand.
  for (int attempt = 0; attempt < 5; ++attempt) {
    TestDatabase db(dialect);
    const auto config = write_config(db, many_parents(200));
    if (dialect == Dialect::Sqlite) db.exec("CREATE TABLE unrelated (id integer PRIMARY KEY)");  // the file exists
    pid_t pid = spawn_addrmig({"-c", config.string(), "-q", "apply"});
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<long>(0, full_ms)(random)));
    kill(pid, SIGKILL);
    wait_exit(pid);
    const std::int64_t tables = user_tables(db);
    INFO("attempt " << attempt << ": " << tables << " tables");
    CHECK((tables == 0 || tables == 400));
    if (tables != 0 && tables != 400) ++partial_states;
    CliResult apply = cli(config, {"apply"});
    CHECK(apply.exit_code == 0);
    CHECK(user_tables(db) == 400);
    CHECK(cli(config, {"audit"}).exit_code == 0);
  }
  CHECK(partial_states == 0);
}
DIALECT_TEST("SIGKILL during apply leaves all or none of the tables", killed_apply_leaves_all_or_nothing)

}  // namespace

TEST_CASE("a refused connection is one line naming host and port", "[postgres]") {
  TempDir dir;
  write_file(dir.path() / "addrmig.toml", read_file(source_dir() / "configs" / "example.toml"));
  CliResult r = run_addrmig({"-c", (dir.path() / "addrmig.toml").string(), "--database",
                             "postgresql://app:hunter2@127.0.0.1:1/app", "plan"});
  CHECK(r.exit_code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("127.0.0.1:1") != std::string::npos);
  CHECK(r.err.find("hunter2") == std::string::npos);
}

TEST_CASE("a server that never answers times out after connect_timeout", "[postgres]") {
  // A listening socket nobody accepts from: the TCP handshake succeeds, the
  // PostgreSQL startup never gets an answer.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 16) == 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  TempDir dir;
  write_file(dir.path() / "addrmig.toml", read_file(source_dir() / "configs" / "example.toml"));
  CliResult r = run_addrmig({"-c", (dir.path() / "addrmig.toml").string(), "--database",
                             "postgresql://app@127.0.0.1:" + port + "/app?connect_timeout=2", "plan"});
  close(listener);
  CHECK(r.exit_code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("127.0.0.1:" + port) != std::string::npos);
}

TEST_CASE("wrong password and missing privileges are clear errors that change nothing", "[postgres]") {
  TestDatabase db(Dialect::Postgres);
  const auto config = write_example_config(db);
  REQUIRE(cli(config, {"run"}).exit_code == 0);
  const std::string role = "ro_" + std::to_string(getpid());
  db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'right-pw'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  auto as_role = [&](const std::string& password) {
    std::string url = db.url();
    url.replace(url.find("postgres@"), 9, role + ":" + password + "@");
    return url;
  };
  CliResult wrong = cli(config, {"--database", as_role("wrong-pw"), "plan"});
  CHECK(wrong.exit_code == 1);
  CHECK(count_lines(wrong.err) == 1);
  CHECK(wrong.err.find("wrong-pw") == std::string::npos);
  CHECK(wrong.err.find("password authentication failed") != std::string::npos);

  // A read-only role can plan, audit, verify and list history.
  for (const char* command : {"plan", "audit", "verify", "history"}) {
    CliResult r = cli(config, {"--database", as_role("right-pw"), command});
    INFO(command << ": " << r.err);
    CHECK(r.exit_code == 0);
  }
  // ... but not change anything: a new parent needs CREATE.
  const auto extended = write_config(db, read_file(config).substr(read_file(config).find("[related]")) +
                                             "\n[[parents]]\ntable = \"partner\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n",
                                     "extended.toml");
  const std::string before = db.dump();
  CliResult denied = cli(extended, {"--database", as_role("right-pw"), "apply"});
  CHECK(denied.exit_code == 1);
  CHECK(count_lines(denied.err) == 1);
  // The plan names the missing right before anything runs.
  CHECK(denied.err.find("lacks CREATE on schema public") != std::string::npos);
  CHECK(db.dump() == before);
  db.exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
}
