#pragma once
// The seam between the generic layers and a database. Everything that knows
// a dialect lives in its folder (lib/sqlite/, lib/postgres/) behind these
// interfaces; dialect_of() in lib/dialect.cpp is the only code that picks
// one. The planner sees only Capabilities (lib/capabilities.h), never this.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lib/capabilities.h"
#include "lib/database_url.h"
#include "lib/plan.h"
#include "lib/schema.h"

namespace soci {
class session;
}

namespace addrmig {

class Connection;

enum class OpenMode {
  ReadOnly,           // plan, audit, verify, history: never creates or writes
  ReadWrite,          // apply, seed, run: creates a missing SQLite file
  ReadWriteExisting,  // apply FILE of a plan made from an existing database: creates nothing
};

// A session a dialect opened: the SOCI session and what the dialect keeps
// with it (SQLite: the deadline its busy handler waits for, the identity of
// the file opened; both: the cancel hook SIGINT and SIGTERM call), destroyed
// in the order the dialect needs.
class DialectSession {
 public:
  virtual ~DialectSession() = default;
  virtual soci::session& session() = 0;
  // Every lock wait from now on ends at `deadline` (where the dialect waits
  // by itself: SQLite's busy handler).
  virtual void set_lock_deadline(std::chrono::steady_clock::time_point) {}
  // False once the connection to the server is lost.
  virtual bool connection_ok() const { return true; }
  // Why changes would go to a file nobody opens again (the database file was
  // deleted or replaced since open); empty when they would not.
  virtual std::string file_change() const { return {}; }
};

class Inspector {
 public:
  virtual ~Inspector() = default;
  // Reads every requested table that exists (columns, PK, FKs, indexes,
  // triggers) plus views, in a fixed number of catalog queries however many
  // tables are asked for. Absent tables are simply not in the Catalog.
  virtual Catalog inspect(const std::vector<TableRef>& tables) = 0;
  // Measures data facts in batched queries (a bounded number per call).
  virtual Facts measure(const std::vector<FactRequest>& requests) = 0;
  // Statements run so far by this inspector (for tests of the query budget).
  virtual std::size_t queries_run() const = 0;
  // How many locks all transactions together can hold, when the server has a
  // fixed lock table (PostgreSQL); nullopt when it has none (SQLite).
  virtual std::optional<std::int64_t> lock_capacity() { return std::nullopt; }
};

class Renderer {
 public:
  virtual ~Renderer() = default;
  // The statements of one step. Each statement's comment is the step's
  // comment, followed by ": <what this statement does>" when the step takes
  // several statements or the statement needs explaining (sql_comment()).
  virtual std::vector<Statement> render(const Step& step) const = 0;
  // A portable or native type in this dialect's spelling.
  virtual std::string render_type(const ColumnType& type) const = 0;
  // Adds the objects `step`'s statements lock (tables, indexes, sequences...)
  // to `locked`, for estimating a transaction's lock slots. Dialects without
  // a lock table add nothing.
  virtual void add_locked_objects(const Step& /*step*/, std::set<std::string>& /*locked*/) const {}
  // SQL reading the value of `column_sql` as text without losing precision
  // (reals: at least 15 significant digits); seed and verify compare stored
  // values with the config in memory.
  virtual std::string exact_text(const std::string& column_sql) const = 0;
};

// Counts the rows a running statement writes, for progress; unhooks when destroyed.
class RowCounter {
 public:
  virtual ~RowCounter() = default;
  virtual void reset() = 0;
};

// The history table's SQL (lib/history.cpp runs it).
struct HistorySql {
  std::string create_table;      // CREATE TABLE IF NOT EXISTS ...
  std::string table;             // quoted, qualified name
  std::string exists_query;      // binds :name = exists_name; a count > 0 when present
  std::string exists_name;
  std::string applied_at_value;  // the bound :applied_at in the column's type
  std::string applied_at_text;   // the column read back as ISO 8601 UTC text
  // run_id came after the table: a count > 0 when the column exists (binds
  // :name = exists_name), and the statement adding it to an older table.
  std::string run_id_column_query;
  std::string add_run_id;
};

// How far a standby has replayed the primary's WAL.
struct ReplayPosition {
  bool reached = false;  // up to the position asked about
  std::string at;        // where it is, for messages
};

// What a script runs outside its BEGIN ... COMMIT for a plan.
struct ScriptFrame {
  std::vector<std::string> before_begin;
  std::vector<std::string> after_commit;
};

class DatabaseDialect {
 public:
  virtual ~DatabaseDialect() = default;

  virtual Dialect id() const = 0;
  virtual std::string_view name() const = 0;  // "sqlite" | "postgresql"
  virtual const Capabilities& capabilities() const = 0;
  virtual std::unique_ptr<Inspector> inspector(soci::session& session) const = 0;
  virtual const Renderer& renderer() const = 0;
  // The history table kept in `schema` (where the dialect has schemas).
  virtual HistorySql history(const std::string& schema) const = 0;

  // Opens a session (`exists`: false when a read-only open found no SQLite
  // file); `lock_timeout` bounds the lock waits of the reads done while
  // opening. Throws ConnectError, DatabaseMissing, LockTimeout.
  virtual std::unique_ptr<DialectSession> open(const DatabaseUrl& url, OpenMode mode,
                                               std::chrono::milliseconds lock_timeout,
                                               bool& exists) const = 0;

  // Inside a catch block: rethrows `error` as LockTimeout or DbError when this
  // dialect's driver raised it (prefix and secrets as rethrow_db_error);
  // returns when it did not.
  virtual void rethrow_typed(const std::exception_ptr& error, const std::string& prefix,
                             const std::vector<std::string>& secrets) const = 0;

  // Starts the write transaction of apply (`schema_changes`) or seed, holding
  // the migration lock; throws LockTimeout when it is not granted in time.
  virtual void begin_write(Connection& conn, std::chrono::milliseconds lock_timeout,
                           bool schema_changes) const = 0;
  // After the write transaction ended either way: restores session settings.
  virtual void end_write(Connection& conn, bool schema_changes) const noexcept = 0;
  // After a write transaction rolled back (its ROLLBACK may have failed).
  virtual void after_rollback(Connection&) const noexcept {}
  // Begins a read-only snapshot (plan, audit, verify).
  virtual void begin_read(Connection& conn) const = 0;

  // Statements around a script's transaction for `plan` (plan --sql, saved plans).
  virtual ScriptFrame script_frame(const Plan& plan) const = 0;
  // Checks before COMMIT that what the plan ran left no constraint broken.
  virtual void check_before_commit(Connection& conn, const Plan& plan) const = 0;
  // Streaming standbys (apply/run --replica): the primary's WAL position,
  // read after COMMIT ("" when the dialect has no standbys), and whether
  // `standby` has replayed up to it (nullopt: it is not a standby).
  virtual std::string wal_position(Connection&) const { return {}; }
  // What identifies the cluster a primary and its standbys share ("" when
  // the dialect has none): a standby of another cluster replays other WAL.
  virtual std::string cluster_identity(Connection&) const { return {}; }
  virtual std::optional<ReplayPosition> replayed(Connection&, const std::string&) const { return std::nullopt; }
  // Null when the dialect cannot count the rows a statement writes.
  virtual std::unique_ptr<RowCounter> count_rows(soci::session& session,
                                                 std::function<void(std::int64_t)> report) const = 0;
};

// The factory: the one place that picks a dialect.
const DatabaseDialect& dialect_of(Dialect dialect);

// Every dialect, for what must ask each (error translation).
std::vector<const DatabaseDialect*> all_dialects();

// Shorthands.
inline const Capabilities& capabilities_of(Dialect dialect) {
  return dialect_of(dialect).capabilities();
}
Capabilities sqlite_capabilities();
Capabilities postgres_capabilities();
std::unique_ptr<Inspector> make_inspector(Dialect dialect, soci::session& session);

}  // namespace addrmig
