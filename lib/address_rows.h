#pragma once
// The address rows of one seeded parent, read in one query and compared with
// the configured rows in memory (hash maps over canonical values), so that
// seed and verify cost one read per parent however many addresses it has.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/bound_query.h"
#include "lib/config.h"
#include "lib/connection.h"
#include "lib/dialect.h"
#include "lib/seed.h"

namespace addrmig {

// One stored address row: the requested display columns as text, and the
// canonical value of every configured [related] column (nullopt: NULL).
struct StoredAddress {
  TextRow shown;
  std::vector<std::optional<std::string>> canonical;
};

// SELECT <shown as text>, <each configured column as exact text> FROM the
// address table WHERE FK = parent_key ORDER BY the address id.
std::vector<StoredAddress> read_addresses(Connection& conn, const Renderer& renderer, const Config& config,
                                          const SeedTarget& target, const std::string& parent_key,
                                          const std::vector<std::string>& shown_columns,
                                          const std::string& context);

// How many stored rows match each configured address row. A configured row
// names some of the [related] columns (the rest keep their default or NULL);
// a stored row matches when it has the same value in each named column, and
// NULL in each column of `null_when_absent` (SeedTarget::null_when_absent:
// configured columns without a default) that the configured row leaves out.
class AddressMatcher {
 public:
  AddressMatcher(const RelatedSpec& related, const std::vector<StoredAddress>& stored,
                 std::vector<std::string> null_when_absent = {});
  long long count(const Row& wanted);

 private:
  const RelatedSpec& related_;
  const std::vector<StoredAddress>& stored_;
  std::vector<std::string> null_when_absent_;
  // shape -> canonical key -> count, built the first time a shape is asked.
  std::unordered_map<std::string, std::unordered_map<std::string, long long>> counts_;
};

// The key of a configured row under its own shape (for grouping equal rows).
std::string configured_row_key(const RelatedSpec& related, const Row& row);

}  // namespace addrmig
