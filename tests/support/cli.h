#pragma once
// Runs the real addrmig binary with stdout and stderr captured apart.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace addrmig::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

struct CliOptions {
  std::filesystem::path cwd;                  // empty: current directory
  std::map<std::string, std::string> env;     // added to (or overriding) the environment
  std::vector<std::string> unset_env = {"ADDRMIG_DATABASE_URL"};
};

CliResult run_addrmig(const std::vector<std::string>& args, const CliOptions& options = {});

// Path of the source tree (configs/, migrations/, tests/ data).
std::filesystem::path source_dir();

// Writes `text` to `path` (creating directories).
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

}  // namespace addrmig::test
