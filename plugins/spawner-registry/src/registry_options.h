#pragma once

#include <chrono>
#include <cstddef>

namespace sr::spawner_registry {

struct RegistryOptions {
  // A spawner silent for longer than this is removed.
  std::chrono::milliseconds ttl{60000};
  // A spawner silent for longer than this shows "health": "suspect".
  std::chrono::milliseconds suspect_after{30000};
  // How old the shared list may be when only heartbeats changed it. Spawners that come or go
  // are always in the next list served.
  std::chrono::milliseconds list_max_staleness{250};
  // Spawners removed per store batch during an expiry sweep.
  std::size_t removal_batch = 256;
  // Registrations beyond this are refused.
  std::size_t max_spawners = 1000000;
};

}  // namespace sr::spawner_registry
