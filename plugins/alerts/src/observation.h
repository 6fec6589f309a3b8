// What one evaluation sees of the fleet, the host and the machine. Each part is absent when
// its source is (no spawner-directory, no kv-store, statvfs failing), and its rules then wait.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sr::alerts {

struct SpawnerInfo {
  std::uint64_t id = 0;
  std::string region;
  std::string host;
  std::uint32_t port = 0;
  std::string last_seen;  // RFC 3339, as the registry's JSON writes it
};

struct RegionCapacity {
  std::string region;
  std::uint64_t spawners = 0;
  std::uint64_t suspect = 0;
  std::uint64_t current_instances = 0;
  std::uint64_t max_instances = 0;
};

// Counters since the host started.
struct Traffic {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;  // responses counted as errors (status >= the rule's min_status)
};

struct DiskSpace {
  std::string path;
  std::uint64_t free_bytes = 0;  // available to an unprivileged user
  std::uint64_t total_bytes = 0;
};

struct StoreStatus {
  bool healthy = true;
  std::string error;  // the store's last failure
};

struct Observation {
  std::int64_t now_ms = 0;
  std::optional<std::vector<SpawnerInfo>> suspect;  // the spawners suspect now
  std::optional<std::vector<RegionCapacity>> regions;
  std::optional<Traffic> traffic;
  std::optional<DiskSpace> disk;
  std::optional<StoreStatus> store;
};

}  // namespace sr::alerts
