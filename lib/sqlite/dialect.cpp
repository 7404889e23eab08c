#include "lib/sqlite/dialect.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>


#include "lib/connection.h"
#include "lib/errors.h"
#include "lib/sql.h"
#include "lib/sqlite/inspector.h"
#include "lib/sqlite/rebuild_planner.h"
#include "lib/sqlite/renderer.h"
#include "lib/sqlite/row_counter.h"
#include "lib/sqlite/session.h"
#include "lib/transaction.h"

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
      {"dialect", "TEXT NOT NULL"},          {"run_id", "TEXT"}};
  sql.create_table = "CREATE TABLE IF NOT EXISTS " + table + " (";
  for (const auto& [name, definition] : kColumns)
    sql.create_table += std::string(name == kColumns[0].first ? "\n  " : ",\n  ") +
                        quote_ident(name) + " " + definition;
  sql.create_table += "\n)";
  sql.table = table;
  sql.exists_query = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = :name";
  sql.exists_name = "addrmig_history";
  sql.run_id_column_query = "SELECT count(*) FROM pragma_table_info(:name) WHERE name = 'run_id'";
  sql.add_run_id = "ALTER TABLE " + table + " ADD COLUMN " + quote_ident("run_id") + " TEXT";
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

  std::unique_ptr<DialectSession> open(const DatabaseUrl& url, OpenMode mode,
                                       std::chrono::milliseconds lock_timeout,
                                       bool& exists) const override {
    return open_session(url, mode, lock_timeout, exists);
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
  // child rows. Seed keeps foreign keys enforced. One deadline for every wait
  // of the transaction. BEGIN EXCLUSIVE takes the write lock and, in
  // rollback-journal mode, waits for readers to finish now, once, instead of
  // at every cache spill and at COMMIT (in WAL mode readers never block a
  // writer and it acts as BEGIN IMMEDIATE).
  void begin_write(Connection& conn, std::chrono::milliseconds lock_timeout,
                   bool schema_changes) const override {
    if (schema_changes) conn.execute("PRAGMA foreign_keys = OFF", "disabling foreign keys for the migration");
    conn.set_lock_deadline(std::chrono::steady_clock::now() + lock_timeout);
    try {
      conn.execute("BEGIN EXCLUSIVE", "taking the migration lock (BEGIN EXCLUSIVE)");
    } catch (const LockTimeout&) {
      end_write(conn, schema_changes);
      throw LockTimeout("could not lock the database " + describe_lock_timeout(lock_timeout) +
                        ": another connection is writing it (or, in rollback-journal mode, reading it)");
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

  // After an I/O error (a full disk) SQLite's pager is in its error state
  // and would leave the journal hot at close; a read makes it roll the
  // journal back now and delete it.
  void after_rollback(Connection& conn) const noexcept override {
    try {
      conn.execute("PRAGMA schema_version");
    } catch (...) {
    }
  }

  // A deferred BEGIN holds a shared lock across the reads.
  void begin_read(Connection& conn) const override {
    conn.set_lock_deadline(std::chrono::steady_clock::now() + conn.lock_timeout());
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
  caps.storage_of = [](const ColumnType& type) { return affinity(type) + " affinity"; };
  caps.repair_without_alter = &plan_repairs;
  return caps;
}

std::unique_ptr<DatabaseDialect> make_dialect(Dialect id) {
  return std::make_unique<SqliteDialect>(id);
}

}  // namespace addrmig::sqlite
