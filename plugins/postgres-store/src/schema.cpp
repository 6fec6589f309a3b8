#include "schema.h"

#include <cstdio>
#include <initializer_list>
#include <string>

namespace sr::postgres_store {

namespace {

// Held until the end of the transaction it runs in.
std::string SchemaLockStatement() {
  return std::string("SELECT pg_advisory_xact_lock(")
      .append(std::to_string(kSchemaLock))
      .append(");\n");
}

std::uint64_t Fnv1a(std::string_view prefix, std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (std::string_view part : {prefix, text}) {
    for (char c : part) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return hash;
}

}  // namespace

void CreateSchema(PgConnection& conn) {
  std::string sql = std::string("BEGIN;\n").append(SchemaLockStatement()).append(R"sql(
CREATE TABLE IF NOT EXISTS sr_kv (
  ns text NOT NULL,
  key bytea NOT NULL,
  value bytea,
  rev bigint NOT NULL,
  origin text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ns, key));
CREATE INDEX IF NOT EXISTS sr_kv_ns_rev ON sr_kv (ns, rev);
CREATE INDEX IF NOT EXISTS sr_kv_tombstones ON sr_kv (changed_at) WHERE value IS NULL;
CREATE SEQUENCE IF NOT EXISTS sr_kv_rev;
CREATE TABLE IF NOT EXISTS sr_hosts (
  name text PRIMARY KEY,
  address text NOT NULL,
  version text NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  leases text[] NOT NULL DEFAULT '{}');
COMMIT;
)sql");
  try {
    conn.Exec(sql.c_str());
  } catch (const PgError&) {
    if (conn.ok()) {
      try {
        conn.Exec("ROLLBACK");
      } catch (const PgError&) {  // the original error is the one worth reporting
      }
    }
    throw;
  }
}

void CreateSequence(PgConnection& conn, std::string_view sequence) {
  // One simple query is one transaction: the lock is held until the sequence is committed,
  // and a failure rolls both back.
  conn.Exec(SchemaLockStatement()
                .append("CREATE SEQUENCE IF NOT EXISTS ")
                .append(sequence)
                .append(" START 1")
                .c_str());
}

std::int64_t LeaseKey(std::string_view name) {
  return static_cast<std::int64_t>(Fnv1a("sr-lease:", name));
}

std::string SequenceName(std::string_view name) {
  constexpr std::size_t kMaxIdentifier = 63;
  std::string sequence = std::string("sr_seq_").append(name);
  if (sequence.size() <= kMaxIdentifier) return sequence;
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx",
                static_cast<unsigned long long>(Fnv1a("sr-seq:", name)));
  return std::string("sr_seq_").append(name.substr(0, 39)).append("_").append(hash);
}

}  // namespace sr::postgres_store
