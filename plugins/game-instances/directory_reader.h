// Follows the spawner-directory service (v2) into the Fleet: a snapshot with visit, and the
// spawner.* events in between (the service header's "Lining up a snapshot with events").
#pragma once

#include <sr/services/spawner_directory.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fleet.h"

namespace sr::game_instances {

// Every spawner, by visit.
std::vector<SpawnerView> VisitDirectory(const sr_spawner_directory_v2& directory);

// A spawner.registered / spawner.updated payload; nullopt when it is not one.
std::optional<SpawnerView> SpawnerFromEvent(std::string_view payload);
// The id of a spawner.removed payload.
std::optional<std::uint64_t> RemovedSpawnerId(std::string_view payload);

// The registry's spawn proxy reached an agent: spawner.spawned
// {"spawner_id": N, "status": 200, "body": "<the agent's answer>"}.
struct SpawnedEvent {
  std::uint64_t spawner_id = 0;
  int status = 0;
  std::string body;
};
std::optional<SpawnedEvent> SpawnedFromEvent(std::string_view payload);

}  // namespace sr::game_instances
