#pragma once

#include <cstdint>
#include <string_view>

#include "pg_connection.h"

namespace sr::postgres_store {

// Advisory lock keys of the store (leases hash their names into the same key space; see
// LeaseKey). Fixed values: every master of a cluster must agree on them.
inline constexpr std::int64_t kSchemaLock = 0x73725f736368656dLL;    // "sr_schem"
inline constexpr std::int64_t kRevisionLock = 0x73725f6b765f7276LL;  // "sr_kv_rv"

// Creates the tables, indexes and the revision sequence if missing. Several masters may
// start at once: the DDL runs in one transaction under an advisory lock, so the second one
// waits and then finds everything there.
//
//   sr_kv    (ns, key) -> value (NULL: a tombstone, kept 24 h so that watchers see deletes),
//            rev from sr_kv_rev, drawn under kRevisionLock so commit order is rev order,
//            origin = the host that wrote it, changed_at for the tombstone purge
//   sr_hosts one row per master, upserted every second
void CreateSchema(PgConnection& conn);

// Creates `sequence` (a SequenceName) starting at 1 if it is missing. IF NOT EXISTS checks
// before it locks, so two masters creating it at once could both pass the check and one
// fail in the catalog ("already exists"). Under the schema lock the second waits, then
// finds it.
void CreateSequence(PgConnection& conn, std::string_view sequence);

// The advisory lock key of the lease `name` (FNV-1a of the name, 64 bits).
std::int64_t LeaseKey(std::string_view name);

// The sequence behind next_id(name): sr_seq_<name>, or, where that would pass PostgreSQL's
// 63-byte identifier limit (which would silently cut it, and two long names could meet),
// sr_seq_<first 39 bytes>_<16 hex digits of the name's hash>. `name` is 1-64 of [a-z0-9_].
std::string SequenceName(std::string_view name);

}  // namespace sr::postgres_store
