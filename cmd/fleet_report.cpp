#include "cmd/fleet_report.h"

#include <algorithm>
#include <cstdio>
#include <regex>
#include <sstream>

#include "cmd/junit.h"

namespace addrmig::cli {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string stop_text(FleetStop stop) {
  switch (stop) {
    case FleetStop::Failure: return "a target failed (without --keep-going no new target starts)";
    case FleetStop::CanaryFailed: return "a canary failed: the other targets were not started";
    case FleetStop::Interrupted: return "interrupted: no new target started";
    case FleetStop::None: break;
  }
  return {};
}

const char* stop_key(FleetStop stop) {
  switch (stop) {
    case FleetStop::Failure: return "failure";
    case FleetStop::CanaryFailed: return "canary_failed";
    case FleetStop::Interrupted: return "interrupted";
    case FleetStop::None: break;
  }
  return nullptr;
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", seconds);
  return buffer;
}

}  // namespace

std::string result_text(const TargetRun& run) {
  if (!run.exit) return "not started";
  if (run.outcome.applied) {
    // run: applied, then seed or verify (or a standby) said more.
    const std::string applied = "applied (" + std::to_string(run.outcome.statements) +
                                (run.outcome.statements == 1 ? " statement)" : " statements)");
    if (*run.exit == 0) return applied;
    if (*run.exit == 2) return applied + ", then differences";
    if (!run.outcome.result.empty()) return applied + ", then " + run.outcome.result;
    if (!run.outcome.error.empty()) return applied + ", then error: " + first_line(run.outcome.error);
    return applied + ", then exit " + std::to_string(*run.exit);
  }
  // A process that ended without its report may have committed before it
  // could record that: only the database's history can tell.
  if (run.signal) return "killed by signal " + std::to_string(run.signal) + ": see its history for what it applied";
  if (!run.reported) return "ended without a report (exit " + std::to_string(*run.exit) + "): see its history";
  if (run.interrupted && *run.exit != 0) return "interrupted, nothing applied";
  if (!run.outcome.result.empty()) return run.outcome.result;
  switch (*run.exit) {
    case 0: return "ok";
    case 2: return "differences";
    case 3: return "lock timeout";
    default: return run.outcome.error.empty() ? "error" : "error: " + first_line(run.outcome.error);
  }
}

void print_target(std::ostream& out, std::ostream& err, const TargetRun& run, bool with_report, bool markdown) {
  if (with_report) {
    out << (markdown ? "## " + run.target.name + "\n\n" : "== " + run.target.name + " ==\n") << run.out;
    // A target that failed before its report: its error, in the report's place.
    if (markdown && run.out.empty() && !run.outcome.error.empty()) out << "**error:** " << run.outcome.error << "\n\n";
    if (!run.out.empty() && run.out.back() != '\n') out << "\n";
    out.flush();
  }
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) err << "[" << run.target.name << "] " << line << "\n";
  err.flush();
}

namespace {

// The summary as a Markdown table, for a pull request comment.
void print_markdown_summary(std::ostream& out, const std::vector<TargetRun>& runs) {
  out << "\n## summary\n\n| target | result | exit | seconds |\n|---|---|---|---|\n";
  for (const TargetRun& run : runs) {
    std::string result = result_text(run);
    for (std::size_t at = 0; (at = result.find('|', at)) != std::string::npos; at += 2) result.replace(at, 1, "\\|");
    out << "| " << run.target.name << " | " << result << " | " << (run.exit ? std::to_string(*run.exit) : "-")
        << " | " << (run.exit ? seconds_text(run.seconds) : "-") << " |\n";
  }
  out << "\n";
}

}  // namespace

void print_summary(std::ostream& out, const std::vector<TargetRun>& runs, FleetStop stop, int exit_code,
                   bool markdown) {
  if (markdown) print_markdown_summary(out, runs);
  std::size_t name_width = 6;
  for (const TargetRun& run : runs) name_width = std::max(name_width, run.target.name.size());
  std::vector<std::string> results;
  std::size_t result_width = 6;
  for (const TargetRun& run : runs) {
    // The table stays readable; the whole error line is on stderr above.
    std::string text = result_text(run);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    results.push_back(text);
    result_width = std::max(result_width, results.back().size());
  }
  auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  if (!markdown) out << "\nsummary\n" << pad("target", name_width) << "  " << pad("result", result_width) << "  exit  seconds\n";
  std::size_t applied = 0, failed = 0, unstarted = 0;
  std::size_t applied_then_failed = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const TargetRun& run = runs[i];
    if (!markdown)
      out << pad(run.target.name, name_width) << "  " << pad(results[i], result_width) << "  "
        << pad(run.exit ? std::to_string(*run.exit) : "-", 4) << "  "
        << (run.exit ? seconds_text(run.seconds) : "-") << "\n";
    applied += run.outcome.applied ? 1 : 0;
    const bool failure = run.exit && is_failure(*run.exit);
    failed += failure && !run.outcome.applied ? 1 : 0;
    applied_then_failed += failure && run.outcome.applied ? 1 : 0;
    unstarted += run.exit ? 0 : 1;
  }
  // Each target counted once: a target that applied and then failed (a
  // later batch, seed, a standby) is applied, and said so.
  out << runs.size() << (runs.size() == 1 ? " target: " : " targets: ") << applied << " applied"
      << (applied_then_failed ? " (" + std::to_string(applied_then_failed) + " of them then failed)" : "") << ", "
      << failed << " failed, " << unstarted << " not started; exit " << exit_code << "\n";
  // Why targets were left unstarted, when some were.
  if (stop != FleetStop::None && (unstarted > 0 || stop == FleetStop::Interrupted)) out << stop_text(stop) << "\n";
}

Json fleet_json(const std::string& command, const std::vector<TargetRun>& runs, FleetStop stop,
                int exit_code) {
  Json targets = Json::array();
  for (const TargetRun& run : runs) {
    Json report = nullptr;
    if (!run.out.empty()) {
      report = Json::parse(run.out, nullptr, /*allow_exceptions=*/false);
      if (report.is_discarded()) report = nullptr;
    }
    targets.push_back(Json{{"name", run.target.name},
                           {"url", run.target.redacted},
                           {"result", result_text(run)},
                           {"applied", run.outcome.applied},
                           {"exit", run.exit ? Json(*run.exit) : Json(nullptr)},
                           {"seconds", run.exit ? Json(run.seconds) : Json(nullptr)},
                           {"error", run.outcome.error.empty() ? Json(nullptr) : Json(run.outcome.error)},
                           {"report", report}});
  }
  const char* stopped = stop_key(stop);
  return Json{{"format_version", kJsonFormatVersion},
              {"command", command},
              {"targets", targets},
              {"stopped", stopped ? Json(stopped) : Json(nullptr)},
              {"exit", exit_code}};
}

std::string fleet_junit(const std::string& command, const std::vector<TargetRun>& runs) {
  static const std::regex suite_name(R"re(^<testsuite name="[^"]*")re");
  static const std::regex counts(R"re(tests="(\d+)" failures="(\d+)" errors="(\d+)")re");
  std::string body;
  long tests = 0, failures = 0, errors = 0;
  for (const TargetRun& run : runs) {
    const std::string name = xml_escape(run.target.name);
    // Our own writer's output (cmd/junit.cpp): one <testsuite> element.
    const std::size_t begin = run.junit.find("<testsuite ");
    const std::size_t end = run.junit.find("</testsuite>");
    if (begin != std::string::npos && end != std::string::npos && end > begin) {
      std::string block = run.junit.substr(begin, end + 12 - begin);
      const std::string tag = block.substr(0, block.find('>'));
      block = std::regex_replace(tag, suite_name, "<testsuite name=\"" + name + "\"",
                                 std::regex_constants::format_first_only) +
              block.substr(tag.size());
      std::smatch c;
      if (std::regex_search(tag, c, counts)) {
        tests += std::stol(c[1]);
        failures += std::stol(c[2]);
        errors += std::stol(c[3]);
      }
      body += "  " + block + "\n";
      continue;
    }
    // No report of its own: one testcase saying why.
    const bool skipped = !run.exit;
    const std::string why = xml_escape(result_text(run));
    tests += 1;
    errors += skipped ? 0 : 1;
    body += "  <testsuite name=\"" + name + "\" tests=\"1\" failures=\"0\" errors=\"" + (skipped ? "0" : "1") +
            "\" skipped=\"" + (skipped ? "1" : "0") + "\">\n    <testcase classname=\"" + name +
            "\" name=\"addrmig " + command + "\">" +
            (skipped ? "<skipped message=\"" + why + "\"/>" : "<error message=\"" + why + "\"/>") +
            "</testcase>\n  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"addrmig " + command + "\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\">\n" + body + "</testsuites>\n";
}

}  // namespace addrmig::cli
