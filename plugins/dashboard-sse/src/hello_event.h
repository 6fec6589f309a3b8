#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sr::dashboard {

// What a client learns when its stream opens: where the spawner versions stand (to decide
// whether its list is current or must be fetched again), the tick intervals (to notice a
// stalled stream) and the latest stats (to fill the page at once).
struct HelloFacts {
  std::uint64_t epoch = 0;
  std::uint64_t spawners_version = 0;
  bool registry_available = false;
  std::int64_t stats_interval_ms = 0;
  std::int64_t spawners_interval_ms = 0;
  std::int64_t server_time_ms = 0;
  std::string_view user;
  std::string_view role;
  std::shared_ptr<const std::string> latest_stats;  // a stats payload, or null
};

// {"epoch", "spawners": {"version", "available"}, "stats_interval_ms",
//  "spawners_interval_ms", "server_time", "user", "role", "stats": {...} | null}
std::string HelloJson(const HelloFacts& facts);

}  // namespace sr::dashboard
