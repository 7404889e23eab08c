#include "lib/file_path.h"

namespace addrmig {

std::optional<std::filesystem::path> follow_symlinks(std::filesystem::path path) {
  namespace fs = std::filesystem;
  constexpr int kMaxHops = 40;  // Linux's own limit (ELOOP)
  std::error_code error;
  path = fs::absolute(path, error);
  for (int hops = 0; fs::is_symlink(fs::symlink_status(path, error)); ++hops) {
    if (hops == kMaxHops) return std::nullopt;
    const fs::path target = fs::read_symlink(path, error);
    if (error) return std::nullopt;
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return path;
}

}  // namespace addrmig
