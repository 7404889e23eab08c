#pragma once
#include <string>
#include <string_view>

namespace addrmig {

// Lower-case hex SHA-256 (OpenSSL): config, SQL and plan-file checksums.
std::string sha256_hex(std::string_view data);

}  // namespace addrmig
