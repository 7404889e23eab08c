#pragma once
// Fleets for the --targets tests: many real databases, a targets file naming
// them, and running addrmig in the background to interrupt it.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <soci/soci.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/cli/cli_helpers.h"

namespace addrmig::test {

// A config of `n` parents p0..p{n-1}, each with a `name` column; no
// [database] url: the targets file supplies it.
inline std::string parents_config(int n) {
  std::string body = "[related]\ncolumns = [ { name = \"street\", type = \"text\" } ]\n";
  for (int i = 0; i < n; ++i)
    body += "\n[[parents]]\ntable = \"p" + std::to_string(i) + "\"\ncolumns = [ { name = \"name\", type = \"text\" } ]\n";
  body += "\n[[seed]]\nparent = \"p0\"\nvalues = { name = \"first\" }\naddresses = [ { street = \"1 main street\" } ]\n";
  return body;
}

struct NamedUrl {
  std::string name;
  std::string url;
};

inline std::string targets_toml(const std::vector<NamedUrl>& targets) {
  std::string out;
  for (const NamedUrl& t : targets) out += "[[targets]]\nname = \"" + t.name + "\"\nurl = \"" + t.url + "\"\n\n";
  return out;
}

// "t07" for 7.
inline std::string target_name(int i) { return (i < 10 ? "t0" : "t") + std::to_string(i); }

// The summary row of `name` ("t07  applied (3 statements)  0  0.02").
inline std::string summary_row(const std::string& out, const std::string& name) {
  const auto summary = out.rfind("\nsummary\n");
  if (summary == std::string::npos) return {};
  std::size_t at = out.find("\n" + name + " ", summary);
  if (at == std::string::npos) return {};
  return out.substr(at + 1, out.find('\n', at + 1) - at - 1);
}

inline int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// addrmig in the background, stdout and stderr to files.
struct Background {
  pid_t pid = -1;
  std::filesystem::path out, err;

  Background(const std::vector<std::string>& args, const std::filesystem::path& dir) : out(dir / "bg.out"), err(dir / "bg.err") {
    pid = fork();
    if (pid == 0) {
      const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(o, 1);
      dup2(e, 2);
      std::vector<std::string> copy = args;
      std::vector<char*> argv{const_cast<char*>(ADDRMIG_BINARY)};
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      unsetenv("ADDRMIG_DATABASE_URL");
      execv(ADDRMIG_BINARY, argv.data());
      _exit(127);
    }
  }
  int wait() {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

}  // namespace addrmig::test
