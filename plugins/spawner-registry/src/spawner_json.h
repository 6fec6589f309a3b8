#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spawner.h"

namespace sr::spawner_registry {

// The spawner object of the wire contract: id, region, host, port, max_instances,
// current_instances, status, last_seen (RFC 3339 UTC, milliseconds), health.
void AppendSpawnerJson(std::string& out, const SpawnerSnapshot& spawner);
std::string SpawnerJson(const SpawnerSnapshot& spawner);
// The bytes AppendSpawnerJson appends: lists are allocated once, at their exact size.
std::size_t SpawnerJsonSize(const SpawnerSnapshot& spawner);

// The JSON array of GET /api/spawners, in the order given.
std::string SpawnerListJson(const std::vector<SpawnerSnapshot>& spawners);

// Payload of spawner.registered and spawner.updated: the spawner's object with its
// "revision" appended.
std::string SpawnerEventJson(const SpawnerSnapshot& spawner);
// Payload of spawner.removed: {"id": N, "reason": "deleted" | "expired", "revision": R,
// "spawner": {the removed spawner's object, as last seen}}.
std::string RemovedEventJson(const SpawnerSnapshot& removed, std::string_view reason);

}  // namespace sr::spawner_registry
