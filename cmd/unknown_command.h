#pragma once
// `addrmig aply`: CLI11 only says "A subcommand is required". Name the word
// the user typed and suggest the nearest command (git's "did you mean").

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace addrmig::cli {

// The message for the first bare word of argv that is not a subcommand of
// `app` (option values skipped), or nullopt when there is none.
std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv);

// The command nearest to `word` within two edits (a swap of two neighbours
// is one), or nullopt.
std::optional<std::string> nearest_command(const std::string& word, const std::vector<std::string>& commands);

}  // namespace addrmig::cli
