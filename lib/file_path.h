#pragma once
// Where a SQLite path leads: shared by the targets check (which file is one
// database) and the read-only open (could apply create the file there).

#include <filesystem>
#include <optional>

namespace addrmig {

// `path` made absolute, its last component's symlinks followed, also to a
// target that does not exist yet (apply creates the file there). nullopt on
// a loop or a link that cannot be read.
std::optional<std::filesystem::path> follow_symlinks(std::filesystem::path path);

}  // namespace addrmig
