#pragma once
// The one SQL builder. Identifiers are data, not SQL: every name that
// reaches a statement goes through quote_ident() (alone, qualified or in a
// list); every comment through sql_comment(). Nothing else quotes.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/plan.h"
#include "lib/schema.h"

namespace addrmig {

// Double-quoted identifier, embedded quotes doubled. Standard SQL; valid on
// SQLite and PostgreSQL alike. Throws Error on an empty name or a NUL byte.
std::string quote_ident(std::string_view name);

// "schema"."name", or "name" when schema is empty (SQLite).
std::string quote_qualified(std::string_view schema, std::string_view name);
std::string quote_qualified(const TableRef& table);

// "a", "b", "c"
std::string quote_list(const std::vector<std::string>& names);

// `text` as the body of one `-- ` comment line: control characters written
// as \xNN, so a newline in a hostile name cannot end the comment and turn the
// rest of the name into SQL.
std::string sql_comment(std::string_view text);

// The comment of a rendered statement, the same shape in every dialect: the
// step's comment (else `fallback`, what the statement does), then
// ": <detail>" when given.
std::string statement_comment(const Step& step, std::string_view fallback,
                              std::string_view detail = {});

// Single-quoted string literal, embedded quotes doubled. Only for the places a
// database cannot take a bound parameter (DDL defaults, catalog lookups in
// generated batch queries). Throws Error on a NUL byte.
std::string quote_literal(std::string_view value);

// A generated name (constraint, index) that fits in max_bytes: unchanged when
// it fits; otherwise cut at a UTF-8 boundary and suffixed with "_" and 8 hex
// digits of a hash of the full name, so it is deterministic and two long
// names that share a prefix do not collide. max_bytes == 0 means no limit.
std::string shorten_ident(std::string_view name, std::size_t max_bytes);

// `text` with control characters written as \xNN, so that a message that
// quotes a name or URL from the config stays on one line.
std::string escape_control(std::string_view text);
// Every byte that is not part of valid UTF-8 as \xNN (a path or argument
// may hold such bytes; JSON cannot).
std::string escape_invalid_utf8(std::string_view text);

// Length of `name` in bytes; PostgreSQL counts bytes, not characters.
inline std::size_t ident_bytes(std::string_view name) { return name.size(); }

}  // namespace addrmig
