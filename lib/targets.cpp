#include "lib/targets.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <unordered_map>

#include "lib/database_url.h"
#include "lib/errors.h"
#include "lib/sql.h"

namespace addrmig {
namespace {

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string shown(std::string_view text) { return "'" + escape_control(text) + "'"; }

std::string percent_encoded(std::string_view text);

class TargetsReader {
 public:
  explicit TargetsReader(std::string path) : path_(std::move(path)) {}

  TargetsFile read(std::string_view text) {
    toml::table document;
    try {
      document = toml::parse(text, std::string_view(path_));
    } catch (const toml::parse_error& e) {
      fail(static_cast<int>(e.source().begin.line), "TOML syntax error: " + escape_control(e.description()));
    }
    for (const auto& [key, node] : document)
      if (key.str() != "targets")
        fail(line_of(node), "unknown key " + shown(key.str()) + " (a targets file holds only [[targets]])");
    const toml::node* list = document.get("targets");
    if (!list) fail(0, "no [[targets]]: the targets file must name at least one target");
    const toml::array* array = list->as_array();
    if (!array) fail(line_of(*list), "targets must be an array of tables ([[targets]])");
    TargetsFile file{path_, {}};
    std::unordered_map<std::string, int> seen;  // name -> line
    std::unordered_map<std::string, std::size_t> databases;  // database_identity -> index
    for (const toml::node& node : *array) {
      const toml::table* table = node.as_table();
      if (!table) fail(line_of(node), "each target must be a table with name and url");
      Target target = read_target(*table);
      auto [it, fresh] = seen.emplace(target.name, target.line);
      if (!fresh)
        fail(target.line, "duplicate target name " + shown(target.name) + " (first on line " +
                              std::to_string(it->second) + ")");
      // One database under two names would be migrated and counted twice.
      if (std::string identity = parse_database_url(target.url).identity; !identity.empty()) {
        auto [first, unique] = databases.emplace(std::move(identity), file.targets.size());
        if (!unique) {
          const Target& other = file.targets[first->second];
          fail(target.line, "target " + shown(target.name) + " is the same database as target " + shown(other.name) +
                                " (line " + std::to_string(other.line) + "): " + target.redacted);
        }
      }
      file.targets.push_back(std::move(target));
    }
    if (file.targets.empty()) fail(line_of(*list), "no targets: the targets file must name at least one");
    return file;
  }

 private:
  [[noreturn]] void fail(int line, const std::string& message) const {
    if (line == 0) throw ConfigError(path_, path_ + ": " + message);
    throw ConfigError(path_, line, message);
  }

  std::string string_key(const toml::table& table, const char* key, int line) const {
    const toml::node* node = table.get(key);
    if (!node) fail(line, std::string("target without '") + key + "'");
    const auto* value = node->as_string();
    if (!value) fail(line_of(*node), std::string("'") + key + "' must be a string");
    if (value->get().empty()) fail(line_of(*node), std::string("'") + key + "' is empty");
    return value->get();
  }

  Target read_target(const toml::table& table) const {
    Target target;
    target.line = line_of(table);
    for (const auto& [key, node] : table)
      if (key.str() != "name" && key.str() != "url")
        fail(line_of(node), "unknown key " + shown(key.str()) + " in a target (name, url)");
    target.name = string_key(table, "name", target.line);
    const toml::node* url_node = table.get("url");
    const int url_line = url_node ? line_of(*url_node) : target.line;
    target.url = expand_environment(string_key(table, "url", target.line), url_line);
    try {
      target.redacted = parse_database_url(target.url).redacted;
    } catch (const Error& e) {
      fail(url_line, "target " + shown(target.name) + ": " + e.what());
    }
    return target;
  }

  // ${VAR} -> the environment's value; an unset variable is an error (an
  // empty password would only fail later, as a confusing login error).
  // Inside a PostgreSQL URL the value is percent-encoded, so that a password
  // holding '#', '@', '/' or ':' stays a password; a variable that is the
  // whole URL, or part of a sqlite: path, is taken as it is.
  std::string expand_environment(const std::string& url, int line) const {
    static const std::regex reference(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
    // A sqlite: URL is a path, taken as written (nothing in it is decoded).
    const bool literal = url.size() >= 7 && std::equal(url.begin(), url.begin() + 7, "sqlite:", [](char a, char b) {
                           return std::tolower(static_cast<unsigned char>(a)) == b;
                         });
    std::string out;
    auto begin = std::sregex_iterator(url.begin(), url.end(), reference);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out += url.substr(last, it->position() - last);
      const std::string name = (*it)[1].str();
      const char* value = std::getenv(name.c_str());
      if (!value) fail(line, "${" + name + "} is not set in the environment");
      out += it->length() == static_cast<std::ptrdiff_t>(url.size()) || literal ? std::string(value)
                                                                                 : percent_encoded(value);
      last = it->position() + it->length();
    }
    out += url.substr(last);
    if (std::regex_replace(url, reference, "").find("${") != std::string::npos)
      fail(line, "malformed ${...} in url: write ${NAME} (letters, digits, _)");
    return out;
  }

  std::string path_;
};

std::string percent_encoded(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// FNV-1a: stable across runs, machines and versions (std::hash is not).
std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

TargetsFile load_targets(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "cannot read targets file " + shown(path) + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_targets(text.str(), path);
}

TargetsFile parse_targets(std::string_view text, const std::string& path) {
  return TargetsReader(path).read(text);
}

Shard parse_shard(std::string_view text) {
  static const std::regex form(R"((\d{1,6})/(\d{1,6}))");
  std::cmatch m;
  const std::string copy(text);
  if (std::regex_match(copy.c_str(), m, form)) {
    Shard shard{std::stoi(m[1].str()), std::stoi(m[2].str())};
    if (shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count) return shard;
  }
  throw UsageError("--shard " + escape_control(text) + ": expected K/N with 1 <= K <= N (e.g. 2/4)");
}

std::vector<Target> select_shard(const std::vector<Target>& targets, Shard shard) {
  std::vector<Target> out;
  for (const Target& target : targets)
    if (stable_hash(target.name) % static_cast<std::uint64_t>(shard.count) ==
        static_cast<std::uint64_t>(shard.index - 1))
      out.push_back(target);
  return out;
}

}  // namespace addrmig
