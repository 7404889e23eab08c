#pragma once
// Golden files under tests/golden/. ADDRMIG_UPDATE_GOLDEN=1 rewrites them
// from the actual output instead of comparing (review the diff, then commit).

#include <filesystem>
#include <string>
#include <vector>

#include "lib/dialect.h"

namespace addrmig::test {

// Compares `actual` with tests/golden/<relative> (a Catch2 CHECK).
void check_golden(const std::filesystem::path& relative, const std::string& actual);

// Statements as the renderer goldens show them: "-- comment", the SQL and
// ';', a blank line between statements.
std::string golden_script(const std::vector<Statement>& statements);

}  // namespace addrmig::test
