#include "cmd/replicas.h"

#include <cstdio>
#include <iostream>

#include "lib/migration.h"
#include "lib/verify.h"

namespace addrmig::cli {
namespace {

std::vector<DatabaseUrl> replica_urls(const Context& ctx, const ApplyCommandOptions& options) {
  std::vector<DatabaseUrl> urls;
  for (const std::string& text : options.replicas)
    urls.push_back(parse_database_url(text, ctx.config.connect_timeout_seconds));
  return urls;
}

}  // namespace

void check_standbys_first(const Context& ctx, Connection& primary, const ApplyCommandOptions& options) {
  check_replicas(primary, replica_urls(ctx, options), std::chrono::milliseconds(1000LL * ctx.lock_timeout_seconds));
}

std::vector<ReplicaCaughtUp> wait_for_standbys(const Context& ctx, Connection& primary,
                                               const ApplyCommandOptions& options) {
  return wait_for_replicas(primary, replica_urls(ctx, options),
                           std::chrono::milliseconds(1000LL * options.replica_timeout_seconds));
}

void print_replicas(std::ostream& out, const std::vector<ReplicaCaughtUp>& replicas) {
  for (const ReplicaCaughtUp& replica : replicas) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", replica.seconds);
    out << "standby " << replica.url << ": replayed the commit after " << seconds << " s\n";
  }
}

Json replicas_json(const std::vector<ReplicaCaughtUp>& replicas) {
  Json out = Json::array();
  for (const ReplicaCaughtUp& replica : replicas)
    out.push_back(Json{{"url", replica.url}, {"seconds", replica.seconds}});
  return out;
}

int check_standbys(const Context& ctx, const ApplyCommandOptions& options, Json* json) {
  int worst = kOk;
  Json standbys = Json::array();
  for (const DatabaseUrl& url : replica_urls(ctx, options)) {
    Connection standby = Connection::open(url, OpenMode::ReadOnly,
                                         std::chrono::milliseconds(1000LL * ctx.lock_timeout_seconds));
    PlannedMigration planned;
    VerifyReport report;
    try {
      planned = plan_read_only(standby, ctx.config);
      report = verify_database(standby, ctx.config);
    } catch (const std::exception& e) {
      throw Error("standby " + url.redacted + ": " + e.what() + "; the primary has the migration");
    }
    const std::size_t drift = drift_count(planned.plan);
    if (drift > 0 || report.mismatch_count() > 0) worst = kDifferences;
    if (json) {
      standbys.push_back(Json{{"url", url.redacted},
                              {"audit", plan_json(planned.plan)},
                              {"verify", verify_json(report)}});
      continue;
    }
    std::cout << "\nstandby " << url.redacted << ":\n";
    print_audit(std::cout, planned.plan);
    print_verify(std::cout, report);
  }
  if (json) (*json)["standbys"] = standbys;
  return worst;
}

}  // namespace addrmig::cli
