// What registry.cpp and registry_cluster.cpp share: the store writes of a spawner and the
// outcomes of refused changes. Internal to the registry.
#pragma once

#include <string>
#include <utility>

#include "registry.h"
#include "spawner_codec.h"

namespace sr::spawner_registry::internal {

using Write = RegistryStore::Write;

inline Write PutSpawner(const SpawnerSnapshot& spawner) {
  return Write{RegistryStore::Table::kSpawners, Write::Kind::kPut, SpawnerKey(spawner.identity->id),
               EncodeStoredSpawner(spawner)};
}

inline Write DeleteSpawner(SpawnerId id) {
  return Write{RegistryStore::Table::kSpawners, Write::Kind::kDelete, SpawnerKey(id), {}};
}

inline ChangeOutcome Unavailable(std::string message) {
  return ChangeOutcome{ChangeOutcome::Result::kUnavailable, 0, std::move(message)};
}

inline ChangeOutcome Full(std::size_t max_spawners) {
  return ChangeOutcome{ChangeOutcome::Result::kFull, 0,
                       "the registry is full (max_spawners: " + std::to_string(max_spawners) + ")"};
}

}  // namespace sr::spawner_registry::internal
