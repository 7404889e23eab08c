#include "cmd/progress_line.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace addrmig::cli {
namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// 1234567 -> "1,234,567"
std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

// At most `bytes` bytes, never ending inside a UTF-8 sequence.
std::string clip(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes) + "...";
}

std::string describe(const Progress& p) {
  switch (p.stage) {
    case Progress::Stage::Inspecting:
      return (p.done < p.total ? "inspecting " : "inspected ") + plural(p.total, "parent", "parents");
    case Progress::Stage::Measuring:
      return "checking existing rows (" + plural(p.total, "count", "counts") + ")";
    case Progress::Stage::Applying: {
      std::string text = "applying [" + std::to_string(p.done + 1) + "/" + std::to_string(p.total) + "] ";
      text += clip(p.what, 60);
      if (p.rows_copied >= 0) text += ": " + thousands(p.rows_copied) + " rows copied";
      return text;
    }
    case Progress::Stage::Finished:
      return {};
  }
  return {};
}

}  // namespace

// Drawn with carriage returns and blanks only, no escape sequences: it works
// on any terminal, and NO_COLOR output stays free of them.
struct TerminalProgress::Line {
  std::size_t width = 0;  // of what is on the line now; 0: nothing
  Progress::Stage stage = Progress::Stage::Finished;
  std::size_t rows_of_statement = SIZE_MAX;  // the statement whose rows were drawn
  std::chrono::steady_clock::time_point last;

  void draw(const std::string& text) {
    const std::size_t blanks = width > text.size() ? width - text.size() : 0;
    std::fprintf(stderr, "\r%s%s", text.c_str(), std::string(blanks, ' ').c_str());
    if (blanks > 0) std::fprintf(stderr, "\r%s", text.c_str());
    std::fflush(stderr);
    width = text.size();
  }

  void clear() {
    if (width == 0) return;
    std::fprintf(stderr, "\r%s\r", std::string(width, ' ').c_str());
    std::fflush(stderr);
    width = 0;
  }

  // A new stage, and the first row count of each copying statement, are
  // always drawn; anything else at most ten times a second: thousands of
  // fast statements would spend more time drawing than running.
  bool worth_drawing(const Progress& p, std::chrono::steady_clock::time_point now) const {
    const bool first_rows = p.rows_copied >= 0 && rows_of_statement != p.done;
    return p.stage != stage || first_rows || now - last >= std::chrono::milliseconds(100);
  }

  void update(const Progress& p) {
    if (p.stage == Progress::Stage::Finished) {
      clear();
      stage = p.stage;
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!worth_drawing(p, now)) return;
    if (p.rows_copied >= 0) rows_of_statement = p.done;
    stage = p.stage;
    last = now;
    draw(describe(p));
  }
};

TerminalProgress::TerminalProgress(bool quiet) {
  if (!quiet && isatty(STDERR_FILENO)) line_ = std::make_shared<Line>();
}

TerminalProgress::~TerminalProgress() {
  if (line_) line_->clear();
}

ProgressFn TerminalProgress::fn() {
  if (!line_) return {};
  return [line = line_](const Progress& p) { line->update(p); };
}

}  // namespace addrmig::cli
