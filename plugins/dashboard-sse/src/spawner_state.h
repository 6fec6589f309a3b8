#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr::dashboard {

// One spawner's changing values, as a `spawner.*` event or a directory visit gives them. The
// identity (region, host, port) never changes after registration, so it is not kept: new
// spawners are sent whole from the directory's own JSON.
struct SpawnerState {
  std::uint64_t id = 0;
  std::uint64_t revision = 0;
  std::int64_t last_seen_ms = 0;  // Unix ms
  std::uint32_t max_instances = 0;
  std::uint32_t current_instances = 0;
  std::string_view status;  // borrowed for the call that hands the state over
  bool suspect = false;
};

// What a `spawner.registered` / `spawner.updated` payload says (the spawner's object plus
// "revision"); read with a SAX pass, no document is built. nullopt without an unsigned "id",
// a "revision" or a readable "last_seen". The state's `status` points into `status_storage`.
std::optional<SpawnerState> ParseSpawnerEvent(std::string_view payload,
                                              std::string& status_storage);

// The "id" and "revision" of a `spawner.removed` payload; nullopt without an id.
struct SpawnerRemoval {
  std::uint64_t id = 0;
  std::uint64_t revision = 0;
};
std::optional<SpawnerRemoval> ParseRemovalEvent(std::string_view payload);

}  // namespace sr::dashboard
