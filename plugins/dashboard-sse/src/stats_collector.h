#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "machine_sampler.h"
#include "stats.h"
#include "stats_history.h"

namespace sr::dashboard {

// What the collector is given at each tick; the rest it measures itself.
struct StatsInputs {
  MasterIdentity master;
  HostCounters host;
  FleetTotals fleet;
  AllocationTotals allocations;
  bool db_connected = false;
  std::uint64_t dashboard_clients = 0;
  std::vector<PluginMemory> plugin_memory;
  std::int64_t now_unix_ms = 0;
  std::chrono::steady_clock::time_point now{};
};

// Turns each tick's readings into one StatsSample: the /api/stats body and `stats` event
// (serialized once, shared by every reader) and a point of the chart history.
// Collect is called by one task at a time; Latest and history() from any thread.
class StatsCollector {
 public:
  StatsCollector(MachineSampler sampler, std::size_t history_capacity);

  // Samples the machine, computes rates, records the point; returns the JSON.
  std::shared_ptr<const std::string> Collect(const StatsInputs& inputs);
  // The last JSON Collect returned (null before the first).
  std::shared_ptr<const std::string> Latest() const;
  const StatsHistory& history() const { return history_; }

 private:
  MachineSampler sampler_;
  CounterRate requests_rate_;
  CounterRate errors_rate_;
  CounterRate allocations_rate_;
  CounterRate allocation_failures_rate_;
  std::uint64_t tick_ = 0;
  StatsHistory history_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::string> latest_;
};

}  // namespace sr::dashboard
