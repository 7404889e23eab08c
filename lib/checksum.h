#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace addrmig {

// Lower-case hex SHA-256: config, SQL and plan-file checksums. Nettle, not
// OpenSSL: OpenSSL 3 initialises its provider machinery on the first digest,
// which was a fifth of a small SQLite apply (5 M of 25 M instructions) plus
// 3,400 symbol relocations at every start-up.
std::string sha256_hex(std::string_view data);

}  // namespace addrmig
