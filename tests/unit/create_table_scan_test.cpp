// The CREATE TABLE scanner (lib/sqlite/create_table_scan.h): pure, so every
// way SQL can hide a keyword is checked here without a database.

#include "lib/sqlite/create_table_scan.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace addrmig::sqlite {
namespace {

using Tokens = std::vector<std::string>;

TEST_CASE("create table scan: words are upper-cased, punctuation kept, quoted text collapsed") {
  CHECK(sql_tokens("create table t (a int)") == Tokens{"CREATE", "TABLE", "T", "(", "A", "INT", ")"});
  CHECK(sql_tokens("\"check\" 'collate' `as` [strict]") == Tokens{"\"", "'", "`", "["});
  // Doubled quotes stay inside their literal; ] ends a bracket name at once.
  CHECK(sql_tokens("'it''s CHECK' x") == Tokens{"'", "X"});
  CHECK(sql_tokens("\"a\"\"CHECK\" y") == Tokens{"\"", "Y"});
  CHECK(sql_tokens("[a]]b] z") == Tokens{"[", "]", "B", "]", "Z"});
  // Comments vanish, to the end of the line or of the block.
  CHECK(sql_tokens("a -- CHECK (x)\nb /* COLLATE */ c") == Tokens{"A", "B", "C"});
  CHECK(sql_tokens("a /* never closed CHECK") == Tokens{"A"});
  // Names may hold $, _ and non-ASCII bytes (kept as they are; ASCII is upper-cased).
  CHECK(sql_tokens("t$1 _x ünï") == Tokens{"T$1", "_X", "üNï"});
}

TEST_CASE("create table scan: a plain table rebuilds faithfully") {
  const CreateTableFacts facts = scan_create_table(
      "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT DEFAULT 'CHECK')", false);
  CHECK(facts.autoincrement);
  CHECK_FALSE(facts.without_rowid);
  CHECK(facts.rebuild_unsafe.empty());
}

TEST_CASE("create table scan: WITHOUT ROWID needs both words in order") {
  CHECK(scan_create_table("CREATE TABLE a (k TEXT PRIMARY KEY) WITHOUT ROWID", false).without_rowid);
  CHECK_FALSE(scan_create_table("CREATE TABLE a (\"without\" ROWID)", false).without_rowid);
  CHECK_FALSE(scan_create_table("CREATE TABLE a (rowid_without int)", false).without_rowid);
}

TEST_CASE("create table scan: every clause the model cannot carry blocks a rebuild") {
  const std::pair<const char*, const char*> cases[] = {
      {"CREATE TABLE a (x int CHECK (x > 0))", "CHECK constraint"},
      {"CREATE TABLE a (x text COLLATE NOCASE)", "COLLATE clause"},
      {"CREATE TABLE a (x int, y int GENERATED ALWAYS AS (x * 2))", "generated column"},
      {"CREATE TABLE a (x int, y int AS (x * 2))", "generated column"},
      {"CREATE TABLE a (x int) STRICT", "STRICT table"},
      {"CREATE TABLE a (x int UNIQUE ON CONFLICT REPLACE)", "ON CONFLICT clause"},
      {"CREATE TABLE a (p int REFERENCES b ON UPDATE CASCADE)", "ON UPDATE action"},
      {"CREATE TABLE a (p int REFERENCES b DEFERRABLE INITIALLY DEFERRED)", "DEFERRABLE constraint"},
      {"CREATE TABLE a (p int REFERENCES b MATCH FULL)", "MATCH clause"},
      {"CREATE TABLE a (id INTEGER PRIMARY KEY DESC)", "PRIMARY KEY DESC"},
  };
  for (const auto& [sql, reason] : cases) {
    INFO(sql);
    const std::string unsafe = scan_create_table(sql, false).rebuild_unsafe;
    CHECK(unsafe == std::string("CREATE TABLE uses ") + reason +
                        ", which a rebuild from the model would drop");
  }
}

TEST_CASE("create table scan: reasons are listed once each, in a fixed order") {
  CHECK(scan_create_table("CREATE TABLE a (x int CHECK (x > 0) CHECK (x < 9), y text COLLATE "
                          "BINARY) STRICT",
                          false)
            .rebuild_unsafe ==
        "CREATE TABLE uses CHECK constraint, COLLATE clause, STRICT table, which a rebuild from "
        "the model would drop");
  // GENERATED and AS both name the generated column: once.
  CHECK(scan_create_table("CREATE TABLE a (x int, y int GENERATED ALWAYS AS (x))", true)
            .rebuild_unsafe == "CREATE TABLE uses generated column, which a rebuild from the "
                               "model would drop");
}

TEST_CASE("create table scan: keywords inside names, strings and comments do not count") {
  const char* sql =
      "CREATE TABLE \"check\" (\"collate\" text DEFAULT 'STRICT', [as] int, -- DEFERRABLE\n"
      "  `match` int /* ON UPDATE */)";
  CHECK(scan_create_table(sql, false).rebuild_unsafe.empty());
  // The pragmas saw a generated column the text hides: still unsafe.
  CHECK_FALSE(scan_create_table(sql, true).rebuild_unsafe.empty());
}

}  // namespace
}  // namespace addrmig::sqlite
