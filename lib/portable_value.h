#pragma once
// Seed values against the portable column types: what a value must look like
// to be stored exactly as configured on both dialects (checked at config
// time), and one canonical text per value so that seed and verify can compare
// the configured rows with the stored ones in memory, in one read per table,
// whichever dialect stored them.

#include <optional>
#include <string>

#include "lib/config.h"

namespace addrmig {

// nullopt when `value` fits a column of portable `type` (canonical spelling)
// exactly, else what it must be ("a date YYYY-MM-DD that exists").
std::optional<std::string> portable_value_misfit(const std::string& type, const Value& value);

// The canonical text of a configured value (already checked to fit `type`).
std::string canonical_config_value(const std::string& type, const Value& value);

// The canonical text of a value read back from a column of portable `type`,
// as text (Renderer::exact_text): "t"/"true" and "1" are one boolean, "1.50"
// and "1.5" one numeric, floats equal to 15 significant digits, 'T' and ' '
// one timestamp, any letter case one uuid.
std::string canonical_stored_value(const std::string& type, const std::string& text);

// What to bind when inserting a configured value: the value itself, except
// numeric(P,S), bound as its exact decimal text (a double is sent with 17+
// digits, which a wide scale would keep).
Value value_to_bind(const std::string& type, const Value& value);

}  // namespace addrmig
