#include "lib/postgres/module.h"

#include <dlfcn.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <vector>

#include "lib/errors.h"

namespace addrmig {
namespace {

constexpr const char kModuleFile[] = "libaddrmig_postgres.so";

std::atomic<const PostgresModule*> g_module = nullptr;
std::once_flag g_once;
std::string g_load_error;

// Where the module may be, by absolute path only (never a bare name, which
// would let LD_LIBRARY_PATH or the current directory supply it): next to the
// installed binary (<bindir>/../<libdir>/addrmig), then the build tree, which
// is where the binary and the tests find it before installation.
std::vector<std::string> module_paths() {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) paths.push_back((exe.parent_path() / ADDRMIG_MODULE_RELATIVE_DIR / kModuleFile).lexically_normal());
  paths.push_back((fs::path(ADDRMIG_MODULE_BUILD_DIR) / kModuleFile).string());
  return paths;
}

const PostgresModule* open_module(const std::string& path) {
  // RTLD_NOW: a missing libpq symbol fails here, with a message, rather than
  // in the middle of a migration.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    g_load_error = dlerror();
    return nullptr;
  }
  using Entry = const PostgresModule* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "addrmig_postgres_module"));
  if (!entry) {
    g_load_error = path + " has no addrmig_postgres_module symbol";
    return nullptr;
  }
  const PostgresModule* module = entry();
  if (module->version != kPostgresModuleVersion) {
    g_load_error = path + " is version " + std::to_string(module->version) + ", this addrmig needs " +
                   std::to_string(kPostgresModuleVersion);
    return nullptr;
  }
  return module;
}

void load() {
  namespace fs = std::filesystem;
  std::string searched;
  for (const std::string& path : module_paths()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      searched += (searched.empty() ? "" : ", ") + path;
      continue;
    }
    g_module = open_module(path);
    return;  // the first module found is the one: never fall back past a broken one
  }
  g_load_error = std::string(kModuleFile) + " not found (looked for " + searched + ")";
}

}  // namespace

const PostgresModule& postgres_module() {
  std::call_once(g_once, load);
  const PostgresModule* module = g_module.load();
  if (!module) throw ConnectError("PostgreSQL support is not available: " + g_load_error);
  return *module;
}

const PostgresModule* loaded_postgres_module() { return g_module.load(); }

}  // namespace addrmig
