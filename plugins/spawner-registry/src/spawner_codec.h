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
};

std::string EncodeStoredSpawner(const SpawnerSnapshot& spawner);
// nullopt when the value is not a spawner record.
std::optional<StoredSpawner> DecodeStoredSpawner(SpawnerId id, std::string_view value);

std::string EncodeNextId(SpawnerId next_id);
std::optional<SpawnerId> DecodeNextId(std::string_view value);

}  // namespace sr::spawner_registry
