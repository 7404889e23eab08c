#pragma once
// The real addrmig binary running in the background, for fault injection:
// signals at chosen points, exit code and output afterwards. stdout and
// stderr go to files in a temp dir so the process never blocks on a pipe.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/test_database.h"

namespace addrmig::test {

class BackgroundAddrmig {
 public:
  explicit BackgroundAddrmig(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {});
  ~BackgroundAddrmig();  // kills (SIGKILL) and reaps a process still running
  BackgroundAddrmig(const BackgroundAddrmig&) = delete;
  BackgroundAddrmig& operator=(const BackgroundAddrmig&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal);
  // The exit code (128 + signal when killed by one), waiting at most
  // `timeout`; -1 when still running then.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  bool running();
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  TempDir dir_;
};

// Polls `condition` every 20 ms until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Milliseconds since `start`.
long elapsed_ms(std::chrono::steady_clock::time_point start);

}  // namespace addrmig::test
