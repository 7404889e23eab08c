#include "cmd/fleet.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cmd/fleet_report.h"
#include "cmd/junit.h"
#include "lib/errors.h"

extern char** environ;

namespace addrmig::cli {
namespace {

namespace fs = std::filesystem;

// Options that belong to the fleet, not to each target's run.
const std::set<std::string> kFleetValueOptions = {"--targets", "--jobs", "--canary", "--shard", "--junit"};
const std::set<std::string> kFleetFlags = {"--keep-going"};

// The command line each target runs: ours without the fleet options.
std::vector<std::string> target_arguments(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    const std::string name = arg.substr(0, arg.find('='));
    if (kFleetFlags.count(arg)) continue;
    if (kFleetValueOptions.count(name)) {
      if (name == arg) ++i;  // "--jobs 4": skip the value too
      continue;
    }
    out.push_back(arg);
  }
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `reported`: the process wrote its outcome on its way out (-1: only at a
// commit, then it was stopped before it could).
CommandOutcome read_outcome(const fs::path& path, bool& reported) {
  CommandOutcome outcome;
  const Json doc = Json::parse(read_text(path), nullptr, /*allow_exceptions=*/false);
  reported = doc.is_object() && doc.value("exit", -1) >= 0;
  if (!doc.is_object()) return outcome;
  outcome.result = doc.value("result", "");
  outcome.applied = doc.value("applied", false);
  outcome.statements = doc.value("statements", 0);
  outcome.error = doc.value("error", "");
  return outcome;
}

// A temporary directory for the targets' outputs, removed at the end.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string pattern = (fs::temp_directory_path() / "addrmig-fleet.XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw Error("cannot create a temporary directory for the fleet's outputs");
    path = pattern;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// SIGINT and SIGTERM are taken by a thread of their own (sigtimedwait):
// no new target starts, and the signal is passed on once to every running
// target, which then rolls back or has committed, all or nothing.
class SignalWatch {
 public:
  SignalWatch() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatch() {
    done_ = true;
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  int signal() const { return signal_; }

  // Runs `start` (which spawns a process and returns its pid) unless a
  // signal came; the pid is then passed every later signal. -1: not started.
  template <typename Start>
  pid_t start_unless_interrupted(Start start) {
    std::lock_guard lock(mutex_);
    if (signal_) return -1;
    const pid_t pid = start();
    if (pid > 0) running_.insert(pid);
    return pid;
  }
  // True when the signal was passed on to `pid`.
  bool finished(pid_t pid) {
    std::lock_guard lock(mutex_);
    running_.erase(pid);
    return signalled_.count(pid) > 0;
  }

 private:
  void watch() {
    const timespec tick{0, 100'000'000};
    while (!done_) {
      const int sig = sigtimedwait(&set_, nullptr, &tick);
      if (sig <= 0) continue;
      std::lock_guard lock(mutex_);
      if (!signal_)
        spdlog::warn("{}: no new target starts; {} running target(s) finish or roll back",
                     sig == SIGINT ? "SIGINT" : "SIGTERM", running_.size());
      signal_ = sig;
      for (pid_t pid : running_)
        if (!signalled_.count(pid)) {
          kill(pid, sig);
          signalled_.insert(pid);
        }
    }
  }

  sigset_t set_{}, previous_{};
  std::atomic<bool> done_{false};
  std::atomic<int> signal_{0};
  std::mutex mutex_;
  std::set<pid_t> running_, signalled_;
  std::thread thread_;
};

std::string own_executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the addrmig executable to run each target");
  return exe.string();
}

// Spawns one target's process: stdout and stderr to files, its own process
// group (a terminal's Ctrl-C reaches only us; we pass it on once), signals
// unblocked and at their defaults.
pid_t spawn_target(const std::string& exe, const std::vector<std::string>& args,
                   const std::vector<std::string>& env, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> argv{const_cast<char*>("addrmig")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &files, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error("cannot start " + exe + ": " + std::strerror(rc));
  return pid;
}

// Our environment without the variables each target gets its own value of.
std::vector<std::string> base_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (entry.rfind("ADDRMIG_DATABASE_URL=", 0) == 0 || entry.rfind("ADDRMIG_FLEET_OUTCOME=", 0) == 0 ||
        entry.rfind("ADDRMIG_FLEET_PARENT=", 0) == 0)
      continue;
    env.push_back(entry);
  }
  return env;
}

}  // namespace

int run_fleet_command(const std::vector<std::string>& argv, const FleetCliOptions& fleet,
                      const GlobalOptions& global, const std::string& command,
                      const std::string& junit_file) {
  if (global.database) throw UsageError("--database and --targets exclude each other: a targets file names the databases");
  std::vector<Target> targets = load_targets(fleet.targets_file).targets;
  if (!fleet.shard.empty()) targets = select_shard(targets, parse_shard(fleet.shard));
  const std::string exe = own_executable();
  const std::vector<std::string> args = target_arguments(argv);
  const std::vector<std::string> env = base_environment();
  WorkDir work;
  std::vector<TargetRun> runs(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) runs[i].target = targets[i];
  std::mutex print_mutex;
  const bool json = global.format == Format::Json;
  const bool markdown = global.format == Format::Markdown;

  FleetRun result;
  {
    SignalWatch signals;
    auto run_one = [&](std::size_t i) -> int {
      TargetRun& run = runs[i];
      const fs::path base = work.path / std::to_string(i);
      std::vector<std::string> target_args = args;
      if (!junit_file.empty()) {
        // --junit goes after the command name, where the command reads it.
        auto at = std::find(target_args.begin(), target_args.end(), command);
        target_args.insert(at == target_args.end() ? at : at + 1, {"--junit", base.string() + ".junit.xml"});
      }
      std::vector<std::string> target_env = env;
      target_env.push_back("ADDRMIG_DATABASE_URL=" + run.target.url);
      target_env.push_back("ADDRMIG_FLEET_OUTCOME=" + base.string() + ".outcome.json");
      target_env.push_back("ADDRMIG_FLEET_PARENT=" + std::to_string(getpid()));
      const auto started = std::chrono::steady_clock::now();
      const pid_t pid = signals.start_unless_interrupted(
          [&] { return spawn_target(exe, target_args, target_env, base.string() + ".out", base.string() + ".err"); });
      if (pid < 0) return -1;
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
      run.interrupted = signals.finished(pid);
      run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      run.started = true;
      run.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + run.signal;
      run.exit = code;
      run.out = read_text(base.string() + ".out");
      run.err = read_text(base.string() + ".err");
      run.outcome = read_outcome(base.string() + ".outcome.json", run.reported);
      run.junit = read_text(base.string() + ".junit.xml");
      // Text streams each report as its target ends; markdown is one document
      // for a pull request, in file order whatever the timing (below).
      std::lock_guard lock(print_mutex);
      print_target(std::cout, std::cerr, run, /*with_report=*/!json && !markdown, markdown);
      return code;
    };
    result = run_fleet(targets.size(), FleetOptions{fleet.jobs, fleet.canary, fleet.keep_going}, run_one,
                       [&] { return signals.signal() != 0; });
  }
  if (markdown) {
    std::ostringstream logged;  // on stderr already, as each target ended
    for (const TargetRun& run : runs)
      if (run.started) print_target(std::cout, logged, run, /*with_report=*/true, markdown);
  }
  const int exit_code = fleet_exit_code(result);
  if (!junit_file.empty()) write_junit(junit_file, fleet_junit(command, runs));
  if (json) print_json(fleet_json(command, runs, result.stop, exit_code), command);
  else print_summary(std::cout, runs, result.stop, exit_code, markdown);
  return exit_code;
}

}  // namespace addrmig::cli
