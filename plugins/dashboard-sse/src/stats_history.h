#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stats.h"

namespace sr::dashboard {

// What the charts draw of one sample.
struct StatsPoint {
  std::int64_t timestamp_ms = 0;
  std::optional<double> requests_per_second;
  std::optional<double> errors_per_second;
  std::uint64_t active_spawners = 0;
  std::uint64_t instances_in_use = 0;
  std::uint64_t capacity = 0;
  std::uint64_t memory_usage = 0;
  std::optional<double> cpu_percent;
  std::optional<double> process_cpu_percent;
  std::optional<double> allocations_per_second;
  std::optional<double> allocation_failures_per_second;

  static StatsPoint From(const StatsSample& sample);
};

// The last `capacity` points (15 minutes of ticks by default) in a fixed ring: memory does
// not grow with uptime. Thread-safe: the stats task appends, request handlers read.
class StatsHistory {
 public:
  explicit StatsHistory(std::size_t capacity);

  void Append(const StatsPoint& point);
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  // Oldest first.
  std::vector<StatsPoint> Points() const;

  // {"interval_ms", "max_points", "t": [...], "requests_per_second": [...], ...}: one array per
  // series, the shape chart libraries take without conversion. Missing values are null.
  std::string Json(std::int64_t interval_ms) const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<StatsPoint> ring_;
  std::size_t next_ = 0;  // where the next point goes once the ring is full
};

}  // namespace sr::dashboard
