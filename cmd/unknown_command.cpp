#include "cmd/unknown_command.h"

#include <algorithm>
#include <vector>

namespace addrmig::cli {
namespace {

// Optimal string alignment distance: insert, delete, substitute, or swap two
// neighbouring characters, each one edit.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The option `arg` names takes the next argument as its value.
bool takes_separate_value(const CLI::App& app, const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;  // --config=FILE
  // "-cFILE": a short option with its value attached.
  if (arg.size() > 2 && arg[1] != '-') return false;
  const CLI::Option* option = app.get_option_no_throw(arg);
  return option && option->get_items_expected_max() > 0;
}

}  // namespace

std::optional<std::string> nearest_command(const std::string& word, const std::vector<std::string>& commands) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;  // suggest within two edits only
  for (const std::string& command : commands) {
    const std::size_t distance = edit_distance(word, command);
    if (distance < best_distance && distance < word.size()) {
      best = command;
      best_distance = distance;
    }
  }
  return best;
}

std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg[0] == '-') {
      if (takes_separate_value(app, arg)) ++i;
      continue;
    }
    if (std::find(commands.begin(), commands.end(), arg) != commands.end()) return std::nullopt;
    std::string message = "unknown command '" + arg + "'";
    if (const auto suggestion = nearest_command(arg, commands))
      return message + "; did you mean '" + *suggestion + "'?";
    std::string list;
    for (const std::string& command : commands) list += (list.empty() ? "" : ", ") + command;
    return message + " (commands: " + list + ")";
  }
  return std::nullopt;
}

}  // namespace addrmig::cli
