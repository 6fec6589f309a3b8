#include "stats_history.h"

#include <algorithm>

#include "json_writer.h"

namespace sr::dashboard {

StatsPoint StatsPoint::From(const StatsSample& sample) {
  StatsPoint point;
  point.timestamp_ms = sample.timestamp_ms;
  point.requests_per_second = sample.requests_per_second;
  point.errors_per_second = sample.errors_per_second;
  point.active_spawners = sample.fleet.spawners;
  point.instances_in_use = sample.fleet.current_instances;
  point.capacity = sample.fleet.max_instances;
  point.memory_usage = sample.host.memory_rss_bytes;
  point.cpu_percent = sample.machine.cpu_percent;
  point.process_cpu_percent = sample.machine.process_cpu_percent;
  point.allocations_per_second = sample.allocations_per_second;
  point.allocation_failures_per_second = sample.allocation_failures_per_second;
  return point;
}

StatsHistory::StatsHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
  ring_.reserve(capacity_);
}

void StatsHistory::Append(const StatsPoint& point) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ring_.size() < capacity_) {
    ring_.push_back(point);
  } else {
    ring_[next_] = point;
    next_ = (next_ + 1) % capacity_;
  }
}

std::size_t StatsHistory::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ring_.size();
}

std::vector<StatsPoint> StatsHistory::Points() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StatsPoint> points;
  points.reserve(ring_.size());
  points.insert(points.end(), ring_.begin() + static_cast<std::ptrdiff_t>(next_), ring_.end());
  points.insert(points.end(), ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(next_));
  return points;
}

std::string StatsHistory::Json(std::int64_t interval_ms) const {
  std::vector<StatsPoint> points = Points();
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteInt(writer, "interval_ms", interval_ms);
  WriteUint(writer, "max_points", capacity_);

  auto series = [&](std::string_view name, auto value_of) {
    WriteKey(writer, name);
    writer.StartArray();
    for (const StatsPoint& point : points) value_of(point);
    writer.EndArray();
  };
  series("t", [&](const StatsPoint& p) { writer.Int64(p.timestamp_ms); });
  series("requests_per_second",
         [&](const StatsPoint& p) { WriteNumberValue(writer, p.requests_per_second); });
  series("errors_per_second",
         [&](const StatsPoint& p) { WriteNumberValue(writer, p.errors_per_second); });
  series("active_spawners", [&](const StatsPoint& p) { writer.Uint64(p.active_spawners); });
  series("instances_in_use", [&](const StatsPoint& p) { writer.Uint64(p.instances_in_use); });
  series("capacity", [&](const StatsPoint& p) { writer.Uint64(p.capacity); });
  series("memory_usage", [&](const StatsPoint& p) { writer.Uint64(p.memory_usage); });
  series("cpu_percent", [&](const StatsPoint& p) { WriteNumberValue(writer, p.cpu_percent); });
  series("process_cpu_percent",
         [&](const StatsPoint& p) { WriteNumberValue(writer, p.process_cpu_percent); });
  series("allocations_per_second",
         [&](const StatsPoint& p) { WriteNumberValue(writer, p.allocations_per_second); });
  series("allocation_failures_per_second",
         [&](const StatsPoint& p) { WriteNumberValue(writer, p.allocation_failures_per_second); });
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sr::dashboard
