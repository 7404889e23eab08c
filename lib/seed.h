#pragma once
// seed: insert each [[seed]] parent row and its addresses, in one
// transaction, idempotently (a parent is found by its values, an address by
// its columns and parent; only missing copies are inserted).

#include <chrono>
#include <string>
#include <vector>

#include "lib/config.h"
#include "lib/connection.h"

namespace addrmig {

// Where one [[seed]] entry lives, resolved against the inspected database.
struct SeedTarget {
  const SeedSpec* seed = nullptr;
  TableRef parent;
  TableRef address;
  std::string key;          // parent key column
  std::string foreign_key;  // address FK column
  std::string address_id;   // address PK column, for ordering and display
  // Configured address columns without a default: an address that leaves
  // one out was inserted with NULL there, and is found only by that NULL
  // ({zip = ""} is not the row {zip = "", street = "x"}).
  std::vector<std::string> null_when_absent;
};

// Throws Error when a table is missing ("run apply first") or the parent has
// no usable key; the message begins with `command` ("seed", "verify").
std::vector<SeedTarget> resolve_seed_targets(Connection& conn, const Config& config,
                                             const std::string& command);

struct SeedResult {
  int parents_inserted = 0;
  int addresses_inserted = 0;
};

SeedResult seed_database(Connection& conn, const Config& config,
                         std::chrono::milliseconds lock_timeout);

// Shared with verify: `WHERE "c1" = :p0 AND "c2" = :p1` over a row's values,
// with `alias.` prefixes when alias is non-empty.
class BoundQuery;
std::string match_clause(BoundQuery& query, const Row& values, const std::string& alias = {});

}  // namespace addrmig
