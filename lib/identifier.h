#pragma once
// Identifiers are data, not SQL. Every identifier that reaches a statement goes
// through quote_ident(); nothing else in the code base quotes names.

#include <cstddef>
#include <string>
#include <string_view>

namespace addrmig {

// Double-quoted identifier, embedded quotes doubled. Standard SQL; valid on
// SQLite and PostgreSQL alike. Throws Error on an empty name or a NUL byte.
std::string quote_ident(std::string_view name);

// "schema"."name", or "name" when schema is empty (SQLite).
std::string quote_qualified(std::string_view schema, std::string_view name);

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

// Length of `name` in bytes; PostgreSQL counts bytes, not characters.
inline std::size_t ident_bytes(std::string_view name) { return name.size(); }

}  // namespace addrmig
