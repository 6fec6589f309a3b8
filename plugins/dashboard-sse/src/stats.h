#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "machine_sampler.h"

namespace sr::dashboard {

// The host's request counters (a copy of sr_host_stats without ABI types).
struct HostCounters {
  std::uint64_t uptime_ms = 0;
  std::uint64_t total_requests = 0;
  std::uint64_t total_errors = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t memory_rss_bytes = 0;
  std::uint64_t open_connections = 0;
  std::uint64_t open_streams = 0;
};

// The fleet as the spawner directory reports it; `available` is false without a registry.
struct FleetTotals {
  bool available = false;
  std::uint64_t spawners = 0;
  std::uint64_t suspect = 0;
  std::uint64_t current_instances = 0;
  std::uint64_t max_instances = 0;
  std::uint64_t version = 0;
};

// Allocations (instances the master started) and allocation failures since the start, as
// counted from the game-instances plugin's events.
struct AllocationTotals {
  std::uint64_t allocations = 0;
  std::uint64_t failures = 0;
};

// One item of a plugin's memory report (ABI 1.3), as the host lists them.
struct PluginMemory {
  std::string plugin;
  std::string item;
  std::uint64_t bytes = 0;
};

// Which master a sample comes from: behind a load balancer, each page load may reach another.
struct MasterIdentity {
  std::string endpoint;  // what the server listens on, "<bind>:<port>" (ABI 1.4)
  std::string hostname;  // the machine's name
};

// Everything one stats tick shows.
struct StatsSample {
  std::uint64_t tick = 0;  // increases by one per sample: clients notice a gap
  std::int64_t timestamp_ms = 0;
  MasterIdentity master;
  HostCounters host;
  FleetTotals fleet;
  bool db_connected = false;
  std::optional<double> requests_per_second;
  std::optional<double> errors_per_second;
  std::uint64_t dashboard_clients = 0;
  MachineSample machine;
  AllocationTotals allocation_totals;
  std::optional<double> allocations_per_second;
  std::optional<double> allocation_failures_per_second;
  std::vector<PluginMemory> plugin_memory;  // in plugin order, items in report order
};

// The /api/stats body and `stats` event payload. The first eight members are the original
// dashboard's (docs/wire-contract.md, "The dashboard's JSON") and keep their names and units.
// "memory" shows where memory goes: {"rss", "plugins": [{"plugin", "bytes", "items":
// {"<item>": bytes}}], "plugin_bytes", "plugin_bytes_per_spawner" (null without spawners)}.
// "host" and "hostname" name the master that answered (MasterIdentity).
std::string StatsJson(const StatsSample& sample);

// Turns a growing counter into a rate per second between consecutive readings.
class CounterRate {
 public:
  std::optional<double> Update(std::uint64_t value, std::chrono::steady_clock::time_point now);

 private:
  std::optional<std::uint64_t> previous_value_;
  std::chrono::steady_clock::time_point previous_at_{};
};

}  // namespace sr::dashboard
