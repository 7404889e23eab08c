#pragma once
// JUnit XML for CI systems (GitHub, GitLab, Jenkins read testsuite/testcase/
// failure): one testcase per parent, a failure per finding that needs action
// (audit) or per mismatch (verify).

#include <string>

#include "lib/plan.h"
#include "lib/verify.h"

namespace addrmig::cli {

std::string audit_junit(const Plan& plan);
std::string verify_junit(const VerifyReport& report);

// Writes `xml` to `path`; throws Error when it cannot.
void write_junit(const std::string& path, const std::string& xml);

// XML 1.0 text/attribute escaping; characters XML cannot carry become U+FFFD.
std::string xml_escape(const std::string& text);

}  // namespace addrmig::cli
