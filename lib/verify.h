#pragma once
// verify: read the seed data back both ways, parent -> addresses (by FK) and
// address -> parent (following each address's FK), and compare with config.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/config.h"
#include "lib/connection.h"

namespace addrmig {

struct RowView {
  std::string table;
  // column, value as text (nullopt: SQL NULL)
  std::vector<std::pair<std::string, std::optional<std::string>>> cells;
  std::string display() const;  // customer(id=1, name='customer 1', note=NULL)
};

struct AddressView {
  RowView address;
  std::vector<RowView> parents;  // what its FK reaches (exactly one when fine)
};

struct VerifyEntry {
  std::string parent;                // config parent name
  int line = 0;                      // the [[seed]] in the config
  std::vector<RowView> parent_rows;  // rows matching `values` (exactly one when fine)
  std::vector<AddressView> addresses;
  std::vector<std::string> mismatches;
};

struct VerifyReport {
  std::vector<VerifyEntry> entries;
  std::size_t mismatch_count() const;
};

VerifyReport verify_database(Connection& conn, const Config& config);

}  // namespace addrmig
