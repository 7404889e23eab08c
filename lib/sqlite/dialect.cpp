#include "lib/sqlite/dialect.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/sql.h"
#include "lib/sqlite/inspector.h"
#include "lib/sqlite/rebuild_planner.h"
#include "lib/sqlite/renderer.h"
#include "lib/sqlite/row_counter.h"

namespace addrmig::sqlite {
namespace {

constexpr int kSqliteBusy = 5;    // SQLITE_BUSY
constexpr int kSqliteLocked = 6;  // SQLITE_LOCKED

// SQLite applies the parent key's affinity to the child value before it
// compares them (sqlite.org/foreignkeys.html), so INT, BIGINT and INTEGER
// columns hold and match the same keys: only another affinity is a mismatch.
bool same_affinity(const ColumnType& fk, const ColumnType& key) {
  return affinity(fk) == affinity(key);
}

// SOCI's SQLite connect-string parser splits on blanks and understands double
// quotes; any other path is passed through a quoted value.
// timeout: SQLite's busy timeout (seconds) for the reads done at open while
// another process commits; apply sets its own before BEGIN IMMEDIATE.
std::string connect_string(const std::string& path) { return "db=\"" + path + "\" timeout=10"; }

std::vector<std::string> rebuilt_tables(const Plan& plan) {
  std::vector<std::string> out;
  for (const ParentPlan& parent : plan.parents)
    for (const Step& step : parent.steps)
      if (const auto* rebuild = std::get_if<RebuildTable>(&step.change))
        out.push_back(rebuild->to.ref.name);
  return out;
}

class SqliteRowCounterHook : public RowCounter {
 public:
  SqliteRowCounterHook(soci::session& session, std::function<void(std::int64_t)> report)
      : counter_(session, std::move(report)) {}
  void reset() override { counter_.reset(); }

 private:
  SqliteRowCounter counter_;
};

HistorySql history_sql() {
  HistorySql sql;
  const std::string table = quote_ident("addrmig_history");
  // Read back by `history`: keep these columns exactly.
  static const std::pair<const char*, const char*> kColumns[] = {
      {"id", "INTEGER PRIMARY KEY"},         {"applied_at", "TEXT NOT NULL"},
      {"tool_version", "TEXT NOT NULL"},     {"config_checksum", "TEXT NOT NULL"},
      {"sql_checksum", "TEXT NOT NULL"},     {"statement_count", "INTEGER NOT NULL"},
      {"duration_ms", "INTEGER NOT NULL"},   {"source", "TEXT NOT NULL"},
      {"dialect", "TEXT NOT NULL"}};
  sql.create_table = "CREATE TABLE IF NOT EXISTS " + table + " (";
  for (const auto& [name, definition] : kColumns)
    sql.create_table += std::string(name == kColumns[0].first ? "\n  " : ",\n  ") +
                        quote_ident(name) + " " + definition;
  sql.create_table += "\n)";
  sql.table = table;
  sql.exists_query = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = :name";
  sql.exists_name = "addrmig_history";
  sql.applied_at_value = ":applied_at";
  sql.applied_at_text = "applied_at";
  return sql;
}

class SqliteDialect : public DatabaseDialect {
 public:
  explicit SqliteDialect(Dialect id) { caps_.dialect = id; }
  Dialect id() const override { return caps_.dialect; }
  std::string_view name() const override { return "sqlite"; }
  const Capabilities& capabilities() const override { return caps_; }
  std::unique_ptr<Inspector> inspector(soci::session& session) const override {
    return std::make_unique<SqliteInspector>(session);
  }
  const Renderer& renderer() const override { return renderer_; }
  // One database, no schemas: `schema` does not apply.
  HistorySql history(const std::string&) const override { return history_; }

  std::unique_ptr<soci::session> open(const DatabaseUrl& url, bool read_only,
                                      bool& exists) const override {
    std::error_code ec;
    exists = std::filesystem::exists(url.sqlite_path, ec);
    // Read-only commands never create the file: inspect an empty database.
    if (!exists && read_only) return std::make_unique<soci::session>(soci::sqlite3, "db=:memory:");
    if (url.sqlite_path.find('"') != std::string::npos)
      throw ConnectError("cannot open SQLite database " + url.redacted +
                         ": paths containing '\"' are not supported");
    try {
      auto session = std::make_unique<soci::session>(soci::sqlite3, connect_string(url.sqlite_path));
      // Catch bad files (not a database, unreadable) at open, not mid-plan.
      session->once << "PRAGMA schema_version";
      // SQLite enforces foreign keys only when asked, per connection.
      session->once << "PRAGMA foreign_keys = ON";
      if (read_only) session->once << "PRAGMA query_only = ON";
      return session;
    } catch (const soci::soci_error& e) {
      throw ConnectError("cannot open SQLite database " + url.redacted + ": " +
                         driver_message(e.get_error_message()));
    }
  }

  void rethrow_typed(const std::exception_ptr& error, const std::string& prefix,
                     const std::vector<std::string>&) const override {
    try {
      std::rethrow_exception(error);
    } catch (const soci::sqlite3_soci_error& e) {
      const std::string text = driver_message(e.get_error_message());
      if (e.result() == kSqliteBusy || e.result() == kSqliteLocked)
        throw LockTimeout(prefix + "database is locked: " + text);
      throw DbError(prefix + text);
    } catch (...) {
    }
  }

  // PRAGMA foreign_keys=OFF is a no-op inside a transaction, so it comes
  // first: a table rebuild's DROP would otherwise fire ON DELETE CASCADE on
  // child rows. Seed keeps foreign keys enforced. BEGIN IMMEDIATE takes the
  // write lock at once (a deferred BEGIN could fail with SQLITE_BUSY mid-plan).
  void begin_write(Connection& conn, std::chrono::milliseconds lock_timeout,
                   bool schema_changes) const override {
    const std::string ms = std::to_string(lock_timeout.count());
    if (schema_changes) conn.execute("PRAGMA foreign_keys = OFF", "disabling foreign keys for the migration");
    try {
      conn.execute("PRAGMA busy_timeout = " + ms, "setting the busy timeout");
      conn.execute("BEGIN IMMEDIATE", "taking the migration lock (BEGIN IMMEDIATE)");
    } catch (const LockTimeout&) {
      end_write(conn, schema_changes);
      throw LockTimeout("could not take the migration lock within " + ms +
                        " ms: another process is writing to the database");
    } catch (...) {
      end_write(conn, schema_changes);
      throw;
    }
  }

  void end_write(Connection& conn, bool schema_changes) const noexcept override {
    if (!schema_changes) return;
    try {
      conn.execute("PRAGMA foreign_keys = ON");
    } catch (...) {
    }
  }

  // A deferred BEGIN holds a shared lock across the reads.
  void begin_read(Connection& conn) const override {
    conn.execute("BEGIN", "starting a read-only transaction");
  }

  // A rebuild needs foreign keys off around the transaction, as apply does.
  ScriptFrame script_frame(const Plan& plan) const override {
    if (rebuilt_tables(plan).empty()) return {};
    return ScriptFrame{{"PRAGMA foreign_keys = OFF"}, {"PRAGMA foreign_keys = ON"}};
  }

  // The last step of sqlite.org's rebuild procedure: with foreign keys off, the
  // copy is unchecked, so prove no row now violates a constraint before COMMIT.
  void check_before_commit(Connection& conn, const Plan& plan) const override {
    for (const std::string& table : rebuilt_tables(plan)) {
      int violations = 0;
      try {
        soci::rowset<soci::row> rows =
            (conn.session().prepare << "PRAGMA foreign_key_check(" + quote_ident(table) + ")");
        for (auto it = rows.begin(); it != rows.end(); ++it) ++violations;
      } catch (...) {
        rethrow_db_error("checking foreign keys of " + table);
      }
      if (violations > 0)
        throw DbError("foreign key check failed after rebuilding " + table + ": " +
                      std::to_string(violations) + " rows violate a foreign key; rolled back");
    }
  }

  std::unique_ptr<RowCounter> count_rows(soci::session& session,
                                         std::function<void(std::int64_t)> report) const override {
    return std::make_unique<SqliteRowCounterHook>(session, std::move(report));
  }

 private:
  Capabilities caps_ = sqlite::capabilities();
  SqliteRenderer renderer_;
  HistorySql history_ = history_sql();
};

}  // namespace

std::string affinity(const ColumnType& type) {
  std::string declared = type.native.empty() ? type.portable : type.native;
  for (char& c : declared)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const auto has = [&](std::string_view part) { return declared.find(part) != std::string::npos; };
  // The rules of sqlite.org/datatype3.html, in their order.
  if (has("INT")) return "INTEGER";
  if (has("CHAR") || has("CLOB") || has("TEXT")) return "TEXT";
  if (declared.empty() || has("BLOB")) return "BLOB";
  if (has("REAL") || has("FLOA") || has("DOUB")) return "REAL";
  return "NUMERIC";
}

Capabilities capabilities() {
  Capabilities caps;
  caps.product_name = "SQLite";
  caps.fold_case_names = true;
  caps.automatic_indexes = true;
  caps.key_types_match = &same_affinity;
  caps.key_type_rule = "the parent key's type affinity";
  caps.repair_without_alter = &plan_repairs;
  return caps;
}

std::unique_ptr<DatabaseDialect> make_dialect(Dialect id) {
  return std::make_unique<SqliteDialect>(id);
}

}  // namespace addrmig::sqlite
