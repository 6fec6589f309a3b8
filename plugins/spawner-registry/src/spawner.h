#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sr::spawner_registry {

// Bounds of what a spawner may declare. Counts beyond kMaxInstances are a client bug, not a
// real fleet.
inline constexpr std::size_t kMaxHostBytes = 255;
inline constexpr std::size_t kMaxRegionBytes = 64;
inline constexpr std::size_t kMaxStatusBytes = 32;
inline constexpr std::int64_t kMaxInstances = 100000;
inline constexpr const char* kDefaultStatus = "active";

using SpawnerId = std::uint64_t;

// BLAKE2b-256 of a spawner's token: all the registry keeps of it.
using TokenDigest = std::array<std::uint8_t, 32>;

// What a spawner declares when it registers; fixed for the life of its id.
struct SpawnerIdentity {
  SpawnerId id = 0;
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  // The digest of its token; none for records stored before tokens existed (no token works).
  std::optional<TokenDigest> token_digest;
  // The client address that registered it: shared spawner keys act on it only from there,
  // and spawns to loopback need it on loopback. Empty for records stored before addresses
  // were kept, until the first spawner-key request binds it (trust on first use).
  std::string registered_from;
  // (Its JSON prefix is written when needed, not kept: at 10,000 heartbeats a second nothing
  // serializes spawners often enough to pay for ~130 bytes a spawner.)
};

// What heartbeats change.
struct SpawnerLoad {
  std::int32_t max_instances = 0;
  std::int32_t current_instances = 0;
  std::string status;
};

// One spawner as readers see it at one moment.
struct SpawnerSnapshot {
  std::shared_ptr<const SpawnerIdentity> identity;
  SpawnerLoad load;
  std::int64_t last_seen_ms = 0;  // Unix epoch, milliseconds
  bool suspect = false;           // silent for longer than suspect_after
  std::uint64_t revision = 1;     // see SpawnerTable::Entry::revision
};

// Makes the identity of a new spawner.
std::shared_ptr<const SpawnerIdentity> MakeIdentity(
    SpawnerId id, std::string region, std::string host, std::uint16_t port,
    std::optional<TokenDigest> token_digest = std::nullopt, std::string registered_from = {});

// A copy of `identity` bound to `address` (trust on first use of a restored record).
std::shared_ptr<const SpawnerIdentity> BindIdentity(const SpawnerIdentity& identity,
                                                    std::string_view address);

}  // namespace sr::spawner_registry
