#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spawner.h"

namespace sr::spawner_registry {

// How spawners are kept in the key-value store. Keys are zero-padded decimal ids, so that
// the store's byte order is id order; values are small JSON objects, readable with the
// sqlite3 shell.
std::string SpawnerKey(SpawnerId id);
std::optional<SpawnerId> ParseSpawnerKey(std::string_view key);

// The key of the id counter in the meta table: the next id to hand out.
inline constexpr std::string_view kNextIdKey = "next_id";

struct StoredSpawner {
  SpawnerId id = 0;
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  SpawnerLoad load;
  std::int64_t last_seen_ms = 0;
  // Absent in records stored before tokens and address binding existed.
  std::optional<TokenDigest> token_digest;
  std::string registered_from;
};

// Longest client address kept (an IPv6 address with a zone fits).
inline constexpr std::size_t kMaxAddressBytes = 64;

std::string EncodeStoredSpawner(const SpawnerSnapshot& spawner);
// nullopt when the value is not a spawner record. "token_digest" (hex) and "registered_from"
// are optional, so that records written before they existed still decode.
std::optional<StoredSpawner> DecodeStoredSpawner(SpawnerId id, std::string_view value);
// A row of the spawners table, key and record; nullopt when either is bad, with `problem`
// naming it: "a spawner record with the malformed key '...'" or "the unreadable record of
// spawner N".
std::optional<StoredSpawner> DecodeSpawnerRow(std::string_view key, std::string_view value,
                                              std::string& problem);

std::string EncodeNextId(SpawnerId next_id);
std::optional<SpawnerId> DecodeNextId(std::string_view value);

}  // namespace sr::spawner_registry
