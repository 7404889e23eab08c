#pragma once
// Fingerprints of inspected tables: a saved plan records one per table it
// reads or touches, and `apply FILE` refuses to run when any differs.

#include <string>
#include <vector>

#include "lib/schema.h"

namespace addrmig {

struct TableFingerprint {
  TableRef table;
  std::string digest;  // sha256 of the table's canonical form, or "absent"
  bool operator==(const TableFingerprint&) const = default;
};

// One fingerprint per table in `tables`, in that order.
std::vector<TableFingerprint> fingerprint_tables(const Catalog& catalog,
                                                 const std::vector<TableRef>& tables);

// A canonical, order-preserving text form of a table (what is hashed).
std::string canonical_table(const Table& table);

}  // namespace addrmig
