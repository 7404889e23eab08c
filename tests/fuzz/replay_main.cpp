// Runs a libFuzzer target over saved inputs without libFuzzer, so that any
// compiler can build it and CTest can run the seed corpus on every build:
//   fuzz_config_replay DIR_OR_FILE...
// Directories are read one level deep, in name order. A target that crashes
// or breaks its contract aborts; this main adds a failure for unreadable
// inputs and for exceptions that escape the target.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_in(const fs::path& argument) {
  if (!fs::is_directory(argument)) return {argument};
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(argument))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool read_bytes(const fs::path& file, std::string& bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// The file name goes out first: if the target aborts, the log says on what.
bool replay(const fs::path& file) {
  std::cout << "replay " << file.string() << std::endl;
  std::string bytes;
  if (!read_bytes(file, bytes)) {
    std::cerr << file.string() << ": cannot read\n";
    return false;
  }
  try {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
  } catch (const std::exception& error) {
    std::cerr << file.string() << ": exception escaped the target: " << error.what() << "\n";
  } catch (...) {
    std::cerr << file.string() << ": non-standard exception escaped the target\n";
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " DIR_OR_FILE...\n";
    return 2;
  }
  std::size_t replayed = 0;
  std::size_t failed = 0;
  for (int i = 1; i < argc; ++i) {
    if (!fs::exists(argv[i])) {
      std::cerr << argv[i] << ": no such file or directory\n";
      return 2;
    }
    for (const auto& file : inputs_in(argv[i])) {
      ++replayed;
      if (!replay(file)) ++failed;
    }
  }
  // An empty corpus proves nothing: count it as a failure.
  if (replayed == 0) {
    std::cerr << "no inputs found\n";
    return 2;
  }
  std::cout << replayed << " inputs replayed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
