#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sr {
class Host;
}

namespace sr::dashboard {

// The plugin's `config:` section, validated (see README.md for each key).
struct DashboardSettings {
  std::string web_root;   // holds pages/, assets/ and vendor/
  std::string disk_path;  // whose file system the disk figures describe
  std::chrono::milliseconds stats_interval{1000};
  std::chrono::milliseconds spawners_interval{2000};
  std::chrono::milliseconds flush_interval{250};
  std::chrono::milliseconds history_window{15 * 60 * 1000};
  std::chrono::milliseconds assets_reload_interval{2000};  // 0: never
  std::chrono::milliseconds keepalive{15000};
  std::uint32_t max_clients = 10000;
  std::uint32_t replay_events = 256;
  // The replay buffer's byte cap: at 10,000 heartbeats a second one `spawners` delta is about
  // 150 KB, and the host's default of 4 MiB would be a fifth of the master's memory.
  std::uint64_t replay_bytes = 1 << 20;
  std::uint64_t max_queued_bytes = 8u << 20;
  std::uint32_t max_pending_changes = 500;
  std::uint32_t max_pending_errors = 100;

  // Points of the chart history: one per stats tick over history_window.
  std::size_t HistoryCapacity() const;
};

// Reads and checks the section; throws sr::Error naming the key.
DashboardSettings ReadDashboardSettings(sr::Host& host);

}  // namespace sr::dashboard
