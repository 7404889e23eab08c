#pragma once
// A targets file: the fleet of databases one addrmig command runs against.
//
//   [[targets]]
//   name = "tenant-a"
//   url  = "postgresql://app:${APP_PASSWORD}@db1/tenant_a"
//
// `${VAR}` in a URL is taken from the environment, so CI secrets never sit in
// the file. Names are unique. Every problem is a ConfigError with file:line.

#include <string>
#include <string_view>
#include <vector>

namespace addrmig {

struct Target {
  std::string name;
  std::string url;       // ${VAR} expanded: may hold a password, never printed
  std::string redacted;  // the URL as printed (password replaced by "***")
  int line = 0;          // of its [[targets]] table
};

struct TargetsFile {
  std::string path;
  std::vector<Target> targets;  // file order
};

TargetsFile load_targets(const std::string& path);
TargetsFile parse_targets(std::string_view text, const std::string& path);

// `--shard K/N`: the K-th (1-based) of N disjoint slices.
struct Shard {
  int index = 1;
  int count = 1;
};

// Parses "K/N" (1 <= K <= N); throws UsageError.
Shard parse_shard(std::string_view text);

// The targets of one shard, in file order. A target's shard depends only on
// its name and N (a hash), so adding or removing other targets never moves it
// to another CI job, and the N shards together cover every target once.
std::vector<Target> select_shard(const std::vector<Target>& targets, Shard shard);

}  // namespace addrmig
