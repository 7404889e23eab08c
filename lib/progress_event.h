#pragma once
// What long work reports while it runs. The library only reports; the CLI
// decides whether and how to draw it (cmd/progress.cpp: on a terminal, never
// with --quiet or when stderr is a file or pipe).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace addrmig {

struct Progress {
  enum class Stage {
    Inspecting,  // reading the catalog: done/total count parents
    Measuring,   // counting rows, NULLs and orphans the plan depends on: total is the count of facts
    Applying,    // running statements: done/total count statements
    Finished,    // what was reported last is over (a terminal line can be erased)
  };
  Stage stage = Stage::Inspecting;
  std::size_t done = 0;
  std::size_t total = 0;
  std::string what;               // Applying: the statement's comment
  std::int64_t rows_copied = -1;  // Applying: rows the statement has written so far; -1 when not counted
};

// Empty: nobody listens, nothing is counted.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace addrmig
