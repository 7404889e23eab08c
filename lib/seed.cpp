#include "lib/seed.h"

#include <algorithm>
#include <map>

#include "lib/bound_query.h"
#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/identifier.h"
#include "lib/interrupt.h"
#include "lib/planner.h"
#include "lib/planning.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

std::string parent_key_column(const Table& parent, const ParentSpec& spec) {
  if (spec.key) return *spec.key;
  if (parent.primary_key.size() != 1)
    throw Error("seed: table " + parent.ref.display() +
                " has no single-column primary key; set key in [[parents]]");
  return parent.primary_key.front();
}

// Config rows compare as sets of column=value, whatever order they were written in.
Row sorted_row(Row row) {
  std::sort(row.begin(), row.end(),
            [](const FieldValue& a, const FieldValue& b) { return a.column < b.column; });
  return row;
}

// The distinct address rows of a seed with how often each is wanted.
std::vector<std::pair<Row, int>> address_multiset(const SeedSpec& seed) {
  std::vector<std::pair<Row, int>> out;
  for (const Row& address : seed.addresses) {
    Row key = sorted_row(address);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == key; });
    if (it == out.end()) out.emplace_back(std::move(key), 1);
    else ++it->second;
  }
  return out;
}

std::string quoted(const TableRef& ref) { return quote_qualified(ref.schema, ref.name); }

std::vector<std::string> find_parent_keys(Connection& conn, const SeedTarget& target) {
  BoundQuery query(conn.session(), "SELECT CAST(" + quote_ident(target.key) + " AS TEXT) FROM " +
                                       quoted(target.parent) + " WHERE ");
  query << match_clause(query, target.seed->values);
  std::vector<std::string> keys;
  for (const TextRow& row : query.rows("seed: looking up " + target.parent.display()))
    keys.push_back(row.at(0).value_or(""));
  return keys;
}

std::string insert_parent(Connection& conn, const SeedTarget& target) {
  BoundQuery insert(conn.session(), "INSERT INTO " + quoted(target.parent) + " (");
  std::string columns, values;
  for (const FieldValue& field : target.seed->values) {
    columns += (columns.empty() ? "" : ", ") + quote_ident(field.column);
    values += (values.empty() ? "" : ", ") + insert.placeholder(field.value);
  }
  insert << columns + ") VALUES (" + values + ") RETURNING CAST(" + quote_ident(target.key) +
                " AS TEXT)";
  auto rows = insert.rows("seed: inserting into " + target.parent.display());
  if (rows.size() != 1 || !rows.front().at(0))
    throw Error("seed: inserting into " + target.parent.display() + " returned no key");
  return *rows.front().at(0);
}

long long count_addresses(Connection& conn, const SeedTarget& target, const std::string& key,
                          const Row& address) {
  BoundQuery query(conn.session(), "SELECT count(*) FROM " + quoted(target.address) + " WHERE ");
  query << quote_ident(target.foreign_key) + " = " + query.placeholder(Value{key});
  if (!address.empty()) query << " AND " + match_clause(query, address);
  auto rows = query.rows("seed: counting rows of " + target.address.display());
  return std::stoll(rows.at(0).at(0).value_or("0"));
}

void insert_address(Connection& conn, const SeedTarget& target, const std::string& key,
                    const Row& address) {
  BoundQuery insert(conn.session(), "INSERT INTO " + quoted(target.address) + " (");
  std::string columns = quote_ident(target.foreign_key);
  std::string values = insert.placeholder(Value{key});
  for (const FieldValue& field : address) {
    columns += ", " + quote_ident(field.column);
    values += ", " + insert.placeholder(field.value);
  }
  insert << columns + ") VALUES (" + values + ")";
  insert.execute("seed: inserting into " + target.address.display());
}

}  // namespace

std::string match_clause(BoundQuery& query, const Row& values, const std::string& alias) {
  std::string clause;
  const std::string prefix = alias.empty() ? "" : quote_ident(alias) + ".";
  for (const FieldValue& field : values) {
    if (!clause.empty()) clause += " AND ";
    clause += prefix + quote_ident(field.column) + " = " + query.placeholder(field.value);
  }
  return clause.empty() ? "1 = 1" : clause;
}

std::vector<SeedTarget> resolve_seed_targets(Connection& conn, const Config& config) {
  const Capabilities caps = capabilities_for(conn.dialect());
  const Catalog catalog =
      make_inspector(conn.dialect(), conn.session())->inspect(tables_to_inspect(config, caps));
  std::vector<SeedTarget> out;
  for (const SeedSpec& seed : config.seeds) {
    const ParentSpec* spec = config.find_parent(seed.parent);
    if (!spec) throw Error("seed: unknown parent '" + seed.parent + "'");
    SeedTarget target;
    target.seed = &seed;
    target.parent = parent_ref(*spec, caps);
    target.address = address_ref(config, *spec, caps);
    const Table* parent = catalog.find(target.parent);
    const Table* address = catalog.find(target.address);
    for (const TableRef* missing : {parent ? nullptr : &target.parent, address ? nullptr : &target.address})
      if (missing)
        throw Error("seed: table " + missing->display() + " does not exist; run `addrmig apply` first");
    target.key = parent_key_column(*parent, *spec);
    target.foreign_key = config.related.foreign_key;
    target.address_id = address->primary_key.size() == 1 ? address->primary_key.front()
                                                         : config.related.foreign_key;
    out.push_back(std::move(target));
  }
  return out;
}

namespace {

SeedResult seed_locked(Connection& conn, const Config& config, std::chrono::milliseconds lock_timeout) {
  MigrationTransaction transaction(conn, lock_timeout, /*foreign_keys_off=*/false);
  SeedResult result;
  for (const SeedTarget& target : resolve_seed_targets(conn, config)) {
    throw_if_interrupted();
    std::vector<std::string> keys = find_parent_keys(conn, target);
    if (keys.size() > 1)
      throw Error("seed: " + std::to_string(keys.size()) + " rows of " + target.parent.display() +
                  " match the values of the [[seed]] at " + config.path + ":" +
                  std::to_string(target.seed->line) + "; cannot tell which one to use");
    if (keys.empty()) {
      keys.push_back(insert_parent(conn, target));
      ++result.parents_inserted;
    }
    for (const auto& [address, wanted] : address_multiset(*target.seed)) {
      for (long long have = count_addresses(conn, target, keys.front(), address); have < wanted; ++have) {
        insert_address(conn, target, keys.front(), address);
        ++result.addresses_inserted;
      }
    }
  }
  transaction.commit();
  return result;
}

}  // namespace

SeedResult seed_database(Connection& conn, const Config& config,
                         std::chrono::milliseconds lock_timeout) {
  const std::string nothing = "; rolled back: nothing was inserted";
  try {
    return seed_locked(conn, config, lock_timeout);
  } catch (const Interrupted& e) {
    throw Interrupted(e.signal(), "interrupted by " + signal_name(e.signal()) + " while seeding" + nothing);
  } catch (const CommitUnknown& e) {
    throw CommitUnknown(std::string(e.what()) +
                        "; the seed rows may or may not be inserted: run `addrmig seed` again, it inserts only what is missing");
  } catch (const LockTimeout& e) {
    throw LockTimeout(std::string(e.what()) + "; nothing was inserted");
  } catch (const DbError& e) {
    throw DbError(e.what() + nothing, e.sqlstate());
  }
}

}  // namespace addrmig
