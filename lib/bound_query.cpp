#include "lib/bound_query.h"

#include <soci/soci.h>

#include <charconv>
#include <cmath>

#include "lib/connection.h"

namespace addrmig {
namespace {

// The shortest decimal text that reads back as the same double: the config's
// own spelling of 0.1 is "0.1", which a numeric(P,S) column must receive, not
// the 0.1000000000000000055511 a double parameter becomes on the way.
std::string decimal_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string BoundQuery::placeholder(const Value& value) {
  const std::string name = ":p" + std::to_string(kinds_.size());
  if (const auto* text = std::get_if<std::string>(&value)) {
    strings_.push_back(*text);
    kinds_.push_back(0);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    integers_.push_back(*integer);
    kinds_.push_back(1);
  } else if (const auto* real = std::get_if<double>(&value); real && std::isfinite(*real)) {
    // As text: each database converts it to the column's type (PostgreSQL
    // infers the parameter's type from the column, SQLite applies the
    // column's affinity), exactly for numeric and faithfully for floats.
    strings_.push_back(decimal_text(*real));
    kinds_.push_back(0);
  } else if (real) {
    doubles_.push_back(*real);
    kinds_.push_back(2);
  } else {
    // Booleans as 1/0: SQLite has no boolean storage class, and PostgreSQL
    // accepts '1'/'0' for boolean parameters.
    integers_.push_back(std::get<bool>(value) ? 1 : 0);
    kinds_.push_back(1);
  }
  return name;
}

void BoundQuery::prepare(soci::statement& st) {
  std::size_t s = 0, i = 0, d = 0;
  for (int kind : kinds_) {
    if (kind == 0) st.exchange(soci::use(strings_[s++]));
    else if (kind == 1) st.exchange(soci::use(integers_[i++]));
    else st.exchange(soci::use(doubles_[d++]));
  }
  st.alloc();
  // One-time (unnamed) statements only: a named PostgreSQL prepared
  // statement would not survive a transaction-pooling PgBouncer.
  st.prepare(sql_, soci::details::st_one_time_query);
  st.define_and_bind();
}

std::vector<TextRow> BoundQuery::rows(const std::string& context) {
  std::vector<TextRow> out;
  try {
    soci::row row;
    soci::statement st(session_);
    st.exchange(soci::into(row));
    prepare(st);
    st.execute(false);
    while (st.fetch()) {
      TextRow cells;
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (row.get_indicator(c) == soci::i_null) {
          cells.emplace_back(std::nullopt);
          continue;
        }
        switch (row.get_properties(c).get_data_type()) {
          case soci::dt_integer: cells.emplace_back(std::to_string(row.get<int>(c))); break;
          case soci::dt_long_long: cells.emplace_back(std::to_string(row.get<long long>(c))); break;
          case soci::dt_unsigned_long_long:
            cells.emplace_back(std::to_string(row.get<unsigned long long>(c)));
            break;
          case soci::dt_double: cells.emplace_back(std::to_string(row.get<double>(c))); break;
          default: cells.emplace_back(row.get<std::string>(c));
        }
      }
      out.push_back(std::move(cells));
    }
  } catch (...) {
    rethrow_db_error(context);
  }
  return out;
}

void BoundQuery::execute(const std::string& context) {
  try {
    soci::statement st(session_);
    prepare(st);
    st.execute(true);
  } catch (...) {
    rethrow_db_error(context);
  }
}

}  // namespace addrmig
