#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "spawner_delta.h"
#include "stats.h"

namespace sr::dashboard {

// Where the spawner list comes from: the registry's spawner-directory service in the plugin,
// a fake in tests.
class SpawnerSource {
 public:
  virtual ~SpawnerSource() = default;
  virtual std::optional<FleetTotals> Totals() = 0;
  // Calls `fn` with the whole list (JSON array) and its version; false on failure.
  virtual bool Snapshot(
      const std::function<void(std::string_view json, std::uint64_t version)>& fn) = 0;
};

// Produces the `spawners` event of each tick: a delta against the previous tick's list,
// computed once and shared by every client. The list is fetched and diffed only when the
// directory's totals say it may have changed (version, suspect count or size differ), so an
// idle fleet costs one totals() call per tick. Not thread-safe: one periodic task owns it.
class SpawnerFeed {
 public:
  // `source` may be null (no registry enabled): every tick then reports an empty fleet.
  SpawnerFeed(SpawnerSource* source, std::uint64_t epoch);

  // Learns the current list without producing an event, so that the first tick after start
  // does not send the whole fleet to everybody.
  void Prime(std::int64_t now_ms);
  // The payload of this tick's `spawners` event (see SpawnerDeltaJson); `now_ms` (Unix ms) is
  // what its time offsets count from.
  std::string Tick(std::int64_t now_ms);

  // The version the last event produced; what a new client is told in `hello`. Any thread.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::uint64_t epoch() const { return epoch_; }
  bool available() const { return source_ != nullptr; }

 private:
  FleetTotals CurrentTotals();
  bool Refresh(const FleetTotals& totals, std::int64_t now_ms, SpawnerDelta& delta);

  SpawnerSource* source_;
  std::uint64_t epoch_;
  SpawnerDeltaTracker tracker_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace sr::dashboard
