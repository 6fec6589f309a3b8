#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sr::spawner_registry {

// Bounds of what a spawner may declare. Counts beyond kMaxInstances are a client bug, not a
// real fleet.
inline constexpr std::size_t kMaxHostBytes = 255;
inline constexpr std::size_t kMaxRegionBytes = 64;
inline constexpr std::size_t kMaxStatusBytes = 32;
inline constexpr std::int64_t kMaxInstances = 100000;
inline constexpr const char* kDefaultStatus = "active";

using SpawnerId = std::uint64_t;

// What a spawner declares when it registers; fixed for the life of its id.
struct SpawnerIdentity {
  SpawnerId id = 0;
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  // The start of its JSON object, up to and including "max_instances": serialized once.
  std::string json_prefix;
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
};

// Makes the identity of a new spawner, with its JSON prefix.
std::shared_ptr<const SpawnerIdentity> MakeIdentity(SpawnerId id, std::string region,
                                                    std::string host, std::uint16_t port);

}  // namespace sr::spawner_registry
