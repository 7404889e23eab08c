#include "cmd/junit.h"

#include <fstream>

#include "lib/errors.h"

namespace addrmig::cli {
namespace {

struct TestCase {
  std::string name;
  std::vector<std::pair<std::string, std::string>> failures;  // type, message
};

std::string document(const std::string& suite, const std::vector<TestCase>& cases) {
  std::size_t failed = 0;
  for (const TestCase& c : cases) failed += c.failures.empty() ? 0 : 1;
  const std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                             std::to_string(failed) + "\" errors=\"0\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"" + suite + "\"" + counts + ">\n";
  xml += "  <testsuite name=\"" + suite + "\"" + counts + " skipped=\"0\">\n";
  for (const TestCase& c : cases) {
    xml += "    <testcase classname=\"" + suite + "\" name=\"" + xml_escape(c.name) + "\"";
    if (c.failures.empty()) {
      xml += "/>\n";
      continue;
    }
    xml += ">\n";
    // One <failure> element per testcase is what most readers show; further
    // findings go into its body, one per line.
    std::string body;
    for (const auto& [type, message] : c.failures) body += type + ": " + message + "\n";
    xml += "      <failure type=\"" + xml_escape(c.failures.front().first) + "\" message=\"" +
           xml_escape(c.failures.front().second) + "\">" + xml_escape(body) + "</failure>\n";
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "\xEF\xBF\xBD";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string audit_junit(const Plan& plan) {
  std::vector<TestCase> cases;
  for (const ParentPlan& parent : plan.parents) {
    TestCase c{parent.parent, {}};
    for (const Finding& f : parent.findings)
      if (f.severity != Severity::Info) c.failures.emplace_back(std::string(finding_kind_name(f.kind)), f.message);
    cases.push_back(std::move(c));
  }
  return document("addrmig.audit", cases);
}

std::string verify_junit(const VerifyReport& report) {
  std::vector<TestCase> cases;
  for (const VerifyEntry& entry : report.entries) {
    TestCase c{entry.parent + " (seed at line " + std::to_string(entry.line) + ")", {}};
    for (const std::string& mismatch : entry.mismatches) c.failures.emplace_back("mismatch", mismatch);
    cases.push_back(std::move(c));
  }
  return document("addrmig.verify", cases);
}

void write_junit(const std::string& path, const std::string& xml) {
  std::ofstream out(path, std::ios::binary);
  out << xml;
  if (!out) throw Error("cannot write JUnit report to '" + path + "'");
}

}  // namespace addrmig::cli
