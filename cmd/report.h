#pragma once
// Printing results on stdout: text for people, JSON (format_version 1,
// documented in docs/json.md) for machines. Nothing here decides an exit code.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "lib/executor.h"
#include "lib/history.h"
#include "lib/plan.h"
#include "lib/seed.h"
#include "lib/verify.h"

namespace addrmig::cli {

using Json = nlohmann::ordered_json;
inline constexpr int kJsonFormatVersion = 1;

// The one JSON document of `command` on stdout: format_version and command
// first (null when the arguments named none), then `body`'s fields.
void print_json(const Json& body, const std::string& command);
// Whether this process printed its document already (main() prints an
// error document when a command fails before it could).
bool json_printed();
// A command failing after some of its stages completed (run: apply committed,
// then seed failed) leaves their document here; main() prints it with
// {"error": {stage, message, exit}}: the stderr line and the exit it picks.
void leave_json_for_error(Json completed, const std::string& stage);
// The document of an error: what was left (or nothing) plus the error.
Json json_error_document(const std::string& message, int exit_code);

Json plan_json(const Plan& plan);
Json verify_json(const VerifyReport& report);
Json history_json(const std::vector<HistoryEntry>& entries);
Json seed_json(const SeedResult& result);
Json apply_json(const ApplyResult& result);

// `plan` in text: one line per parent, diff-like (+ create, ~ change, = ok,
// ! blocked), its findings indented, then the SQL its steps run (rendered
// once, by plan_migration). ANSI colours only when asked (a terminal without
// NO_COLOR, see use_color).
void print_plan(std::ostream& out, const Plan& plan, bool with_sql, bool color = false);
// `audit` in text: per parent, every finding with kind, table, column,
// expected and found.
void print_audit(std::ostream& out, const Plan& plan);
void print_verify(std::ostream& out, const VerifyReport& report);
void print_history(std::ostream& out, const std::vector<HistoryEntry>& entries);
void print_apply(std::ostream& out, const ApplyResult& result, bool color = false);
void print_seed(std::ostream& out, const SeedResult& result);

// True when `fd` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
bool use_color(int fd);

// Findings that are not informational (audit exits 2 on any).
std::size_t drift_count(const Plan& plan);

}  // namespace addrmig::cli
