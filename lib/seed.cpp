#include "lib/seed.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "lib/address_rows.h"
#include "lib/bound_query.h"
#include "lib/dialect.h"
#include "lib/errors.h"
#include "lib/interrupt.h"
#include "lib/sql.h"
#include "lib/planner.h"
#include "lib/planner/parent_key.h"
#include "lib/portable_value.h"
#include "lib/transaction.h"

namespace addrmig {
namespace {

// The planner's own answer, so seed and verify never use a key the plan
// would block (one not unique, say); the message begins with `command`.
std::string parent_key_column(const ParentSpec& spec, const Table& parent, const TableRef& ref,
                              const std::string& command) {
  std::vector<Finding> findings;
  const std::optional<planner::ParentKey> key = planner::existing_parent_key(spec, parent, ref, findings);
  if (!key) throw Error(command + ": " + findings.back().message);
  return key->column;
}


std::vector<std::string> find_parent_keys(Connection& conn, const SeedTarget& target) {
  BoundQuery query(conn.session(), "SELECT CAST(" + quote_ident(target.key) + " AS TEXT) FROM " +
                                       quote_qualified(target.parent) + " WHERE ");
  query << match_clause(query, target.seed->values);
  std::vector<std::string> keys;
  for (const TextRow& row : query.rows("seed: looking up " + target.parent.display()))
    keys.push_back(row.at(0).value_or(""));
  return keys;
}

std::string insert_parent(Connection& conn, const SeedTarget& target) {
  BoundQuery insert(conn.session(), "INSERT INTO " + quote_qualified(target.parent) + " (");
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

// Rows of one INSERT statement: few enough bound values for any SQLite
// build (SQLITE_MAX_VARIABLE_NUMBER was 999 before 3.32).
constexpr std::size_t kMaxBoundValues = 999;

// The distinct configured address rows of a seed, in config order, each with
// how often it is wanted.
std::vector<std::pair<const Row*, long long>> address_multiset(const RelatedSpec& related, const SeedSpec& seed) {
  std::vector<std::pair<const Row*, long long>> out;
  std::unordered_map<std::string, std::size_t> position;
  for (const Row& address : seed.addresses) {
    const auto [it, fresh] = position.try_emplace(configured_row_key(related, address), out.size());
    if (fresh) out.emplace_back(&address, 0);
    ++out[it->second].second;
  }
  return out;
}

const std::string& column_type(const RelatedSpec& related, const std::string& column) {
  static const std::string none;
  for (const ColumnSpec& spec : related.columns)
    if (spec.name == column) return spec.type;
  return none;
}

// Inserts `rows` (all naming the same columns, in the same order) in
// multi-row INSERTs: one round trip per batch.
void insert_addresses(Connection& conn, const RelatedSpec& related, const SeedTarget& target,
                      const std::string& key, const std::vector<const Row*>& rows) {
  if (rows.empty()) return;
  std::string columns = quote_ident(target.foreign_key);
  for (const FieldValue& field : *rows.front()) columns += ", " + quote_ident(field.column);
  const std::size_t per_row = rows.front()->size() + 1;
  const std::size_t batch = std::max<std::size_t>(1, kMaxBoundValues / per_row);
  for (std::size_t first = 0; first < rows.size(); first += batch) {
    BoundQuery insert(conn.session(), "INSERT INTO " + quote_qualified(target.address) + " (" + columns + ") VALUES ");
    for (std::size_t i = first; i < std::min(rows.size(), first + batch); ++i) {
      std::string values = insert.placeholder(Value{key});
      for (const FieldValue& field : *rows[i])
        values += ", " + insert.placeholder(value_to_bind(column_type(related, field.column), field.value));
      insert << std::string(i == first ? "" : ", ") + "(" + values + ")";
    }
    insert.execute("seed: inserting into " + target.address.display());
  }
}

// The configured addresses the parent lacks, grouped by the columns they name
// (one INSERT shape per group), in config order within a group.
std::vector<std::vector<const Row*>> missing_addresses(Connection& conn, const Config& config,
                                                       const SeedTarget& target, const std::string& key) {
  const std::vector<StoredAddress> stored = read_addresses(
      conn, dialect_of(conn.dialect()).renderer(), config, target, key, {}, "seed: reading " + target.address.display());
  AddressMatcher matcher(config.related, stored, target.null_when_absent);
  std::vector<std::vector<const Row*>> groups;
  std::map<std::vector<std::string>, std::size_t> group_of;  // column names -> group
  for (const auto& [row, wanted] : address_multiset(config.related, *target.seed)) {
    const long long have = matcher.count(*row);
    std::vector<std::string> names;
    for (const FieldValue& field : *row) names.push_back(field.column);
    const auto [it, fresh] = group_of.try_emplace(names, groups.size());
    if (fresh) groups.emplace_back();
    for (long long n = have; n < wanted; ++n) groups[it->second].push_back(row);
  }
  return groups;
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

std::vector<SeedTarget> resolve_seed_targets(Connection& conn, const Config& config,
                                             const std::string& command) {
  const DatabaseDialect& dialect = dialect_of(conn.dialect());
  const Capabilities& caps = dialect.capabilities();
  const Catalog catalog = dialect.inspector(conn.session())->inspect(tables_to_inspect(config, caps));
  std::vector<SeedTarget> out;
  for (const SeedSpec& seed : config.seeds) {
    const ParentSpec* spec = config.find_parent(seed.parent);
    if (!spec) throw Error(command + ": unknown parent '" + seed.parent + "'");
    SeedTarget target;
    target.seed = &seed;
    target.parent = parent_ref(*spec, caps);
    target.address = address_ref(config, *spec, caps);
    const Table* parent = catalog.find(target.parent);
    const Table* address = catalog.find(target.address);
    for (const TableRef* missing : {parent ? nullptr : &target.parent, address ? nullptr : &target.address})
      if (missing)
        throw Error(command + ": table " + missing->display() +
                    " does not exist; run `addrmig apply` first");
    target.key = parent_key_column(*spec, *parent, target.parent, command);
    target.foreign_key = config.related.foreign_key;
    target.address_id = address->primary_key.size() == 1 ? address->primary_key.front()
                                                         : config.related.foreign_key;
    for (const ColumnSpec& column : config.related.columns)
      if (const Column* found = address->column(column.name); found && found->default_sql.empty())
        target.null_when_absent.push_back(column.name);
    out.push_back(std::move(target));
  }
  return out;
}

namespace {

SeedResult seed_locked(Connection& conn, const Config& config, std::chrono::milliseconds lock_timeout) {
  MigrationTransaction transaction(conn, lock_timeout, /*foreign_keys_off=*/false);
  SeedResult result;
  for (const SeedTarget& target : resolve_seed_targets(conn, config, "seed")) {
    throw_if_interrupted();
    std::vector<std::string> keys = find_parent_keys(conn, target);
    if (keys.size() > 1)
      throw Error("seed: " + std::to_string(keys.size()) + " rows of " + target.parent.display() +
                  " match the values of the [[seed]] at " + config.path + ":" +
                  std::to_string(target.seed->line) + "; cannot tell which one to use");
    const std::string where = config.path + ":" + std::to_string(target.seed->line);
    if (keys.empty()) {
      keys.push_back(insert_parent(conn, target));
      ++result.parents_inserted;
      // A trigger, rule or default that rewrites the values would make every
      // later seed insert the row again: refuse now, inside the transaction.
      if (find_parent_keys(conn, target).size() != 1)
        throw Error("seed: the " + target.parent.display() + " row inserted for the [[seed]] at " + where +
                    " is not found by its values afterwards (a trigger or rule changed them?), so the "
                    "next seed would insert it again");
    }
    const auto any_missing = [&] {
      for (const std::vector<const Row*>& rows : missing_addresses(conn, config, target, keys.front()))
        if (!rows.empty()) return true;
      return false;
    };
    bool inserted = false;
    for (const std::vector<const Row*>& rows : missing_addresses(conn, config, target, keys.front())) {
      if (rows.empty()) continue;
      insert_addresses(conn, config.related, target, keys.front(), rows);
      result.addresses_inserted += static_cast<int>(rows.size());
      inserted = true;
    }
    if (inserted && any_missing())
      throw Error("seed: addresses inserted into " + target.address.display() + " for the [[seed]] at " +
                  where + " are not found by their values afterwards (a trigger or rule changed "
                  "them?), so the next seed would insert them again");
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
