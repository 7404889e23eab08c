#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/cli.h"

namespace addrmig::test {

BackgroundAddrmig::BackgroundAddrmig(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env) {
  const std::string out = (dir_.path() / "out").string();
  const std::string err = (dir_.path() / "err").string();
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    dup2(devnull, 0);
    unsetenv("ADDRMIG_DATABASE_URL");
    for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
    std::vector<std::string> copy = args;
    std::vector<char*> argv{const_cast<char*>(ADDRMIG_BINARY)};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(ADDRMIG_BINARY, argv.data());
    _exit(127);
  }
}

BackgroundAddrmig::~BackgroundAddrmig() {
  if (exit_code_ >= 0 || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

void BackgroundAddrmig::signal(int signal) {
  if (exit_code_ < 0) kill(pid_, signal);  // not reaped yet: a zombie ignores it
}

int BackgroundAddrmig::wait(std::chrono::milliseconds timeout) {
  if (exit_code_ >= 0) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return -1;
}

bool BackgroundAddrmig::running() { return wait(std::chrono::milliseconds(0)) < 0; }

std::string BackgroundAddrmig::out() const { return read_file(dir_.path() / "out"); }
std::string BackgroundAddrmig::err() const { return read_file(dir_.path() / "err"); }

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

long elapsed_ms(std::chrono::steady_clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace addrmig::test
