#include "lib/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "lib/errors.h"

namespace addrmig {
namespace {

using namespace std::chrono_literals;

// How often the watcher repeats the cancel until the main thread notices, and
// how long the main thread has to roll back and exit after the first signal.
constexpr auto kCancelRepeat = 200ms;
constexpr auto kExitDeadline = 15s;

std::atomic<int> g_signal{0};
std::atomic<bool> g_noticed{false};

std::mutex g_mutex;  // guards g_registrations; held while a cancel runs
std::vector<const CancelRegistration*> g_registrations;

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Only async-signal-safe calls once the process is being abandoned.
[[noreturn]] void exit_now(int signal, const char* why) {
  const std::string line = "addrmig: error: " + signal_name(signal) + why + "\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  _exit(128 + signal);
}

void cancel_all() {
  std::lock_guard lock(g_mutex);
  for (const CancelRegistration* registration : g_registrations) registration->cancel();
}

void watch() {
  const sigset_t set = watched_signals();
  int signal = 0;
  if (sigwait(&set, &signal) != 0) return;
  g_signal = signal;
  // The main thread has until then to roll back and exit (a cancel itself
  // may hang on an unreachable server).
  std::thread([signal] {
    std::this_thread::sleep_for(kExitDeadline);
    exit_now(signal, ": the rollback did not finish in time; exiting, the database rolls back the open transaction itself");
  }).detach();
  // Cancel until the main thread has noticed: a cancel that lands between
  // two statements cancels nothing.
  while (!g_noticed) {
    cancel_all();
    std::this_thread::sleep_for(kCancelRepeat);
  }
  // A second signal means "now".
  int second = 0;
  sigwait(&set, &second);
  exit_now(second, " again: exiting at once; the database rolls back the open transaction itself");
}

}  // namespace

void install_interrupt_handling() {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(watch).detach();
}

int interrupt_signal() { return g_signal.load(); }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(signal);
  }
}

void throw_if_interrupted(const std::string& what_was_done) {
  const int signal = g_signal.load();
  if (signal == 0) return;
  g_noticed = true;
  throw Interrupted(signal, "interrupted by " + signal_name(signal) + "; " + what_was_done);
}

CancelRegistration::CancelRegistration(std::function<void()> cancel) : cancel_(std::move(cancel)) {
  std::lock_guard lock(g_mutex);
  g_registrations.push_back(this);
}

CancelRegistration::~CancelRegistration() {
  std::lock_guard lock(g_mutex);
  g_registrations.erase(std::remove(g_registrations.begin(), g_registrations.end(), this),
                        g_registrations.end());
}

}  // namespace addrmig
