#include "lib/saved_plan_drift.h"

#include <algorithm>

namespace addrmig {

std::string describe_changes(const std::vector<TableFingerprint>& saved,
                             const std::vector<TableFingerprint>& now) {
  std::string out;
  for (std::size_t i = 0; i < saved.size(); ++i) {
    if (saved[i].digest == now[i].digest) continue;
    const std::string what = saved[i].digest == "absent" ? "now exists"
                             : now[i].digest == "absent" ? "was dropped"
                                                         : "changed";
    out += (out.empty() ? "" : ", ") + saved[i].table.display() + " " + what;
  }
  return out;
}

std::string why_plan_differs(const SavedPlan& saved, const Config& config,
                             const PlannedMigration& now) {
  const std::vector<const Finding*> blockers = now.plan.blockers();
  if (!blockers.empty()) {
    std::string out = "the database changed since " + saved.path + " was saved: the plan is now blocked: ";
    for (std::size_t i = 0; i < blockers.size(); ++i) out += (i ? "; " : "") + blockers[i]->message;
    return out;
  }
  if (saved.config_checksum != config.checksum)
    return "the config changed since " + saved.path + " was saved, so it no longer produces its SQL";
  if (saved.version != ADDRMIG_VERSION)
    return saved.path + " was saved by addrmig " + saved.version + "; this addrmig " ADDRMIG_VERSION
           " no longer produces its SQL";
  return "the data changed since " + saved.path + " was saved: the plan now has " +
         std::to_string(now.statement_count()) + " statements and differs from the saved SQL";
}

bool only_validations_of(const PlannedMigration& now, const SavedPlan& saved) {
  const std::vector<Statement> statements = now.statements();
  return !statements.empty() && std::all_of(statements.begin(), statements.end(), [&](const Statement& s) {
    return s.after_commit && saved.body.find(s.sql) != std::string::npos;
  });
}

std::optional<HistoryEntry> earlier_apply(Connection& conn, const Config& config, const SavedPlan& saved) {
  for (const HistoryEntry& entry : read_history(conn, history_schema_for(conn, config)))
    if (entry.sql_checksum == saved.body_checksum) return entry;
  return std::nullopt;
}

}  // namespace addrmig
