#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spawner_delta.h"
#include "spawner_state.h"
#include "stats.h"

namespace sr::dashboard {

// Where spawners come from: the registry's spawner-directory service (v2) in the plugin, a
// fake in tests.
class SpawnerSource {
 public:
  virtual ~SpawnerSource() = default;
  virtual std::optional<FleetTotals> Totals() = 0;
  // Calls `fn` once per spawner (its state is valid for the call); false on failure.
  virtual bool Visit(const std::function<void(const SpawnerState&)>& fn) = 0;
  // One spawner's JSON object (as GET /api/spawners/{id}); nullopt when it is gone.
  virtual std::optional<std::string> Get(std::uint64_t id) = 0;
};

// Produces the `spawners` event of each tick in O(changes): the registry's spawner.* events
// update a compact mirror of each spawner's changing values (no JSON, no document: about
// 100 bytes a spawner), and a tick sends only the spawners touched since the previous one,
// and for each only the fields that changed. New spawners are sent whole, read from the
// directory by id. The directory is visited in full only to learn the fleet at start and when
// its totals disagree with the mirror: a spawner turning suspect (time passes, no event) or
// a missed event (the host's event queue drops when full).
//
// Lining up the visit with events follows sr/services/spawner_directory.h: an event older
// than (or as old as) the revision held is skipped; removals always apply.
// Thread-safe: events arrive on the host's event thread, ticks on a worker.
class SpawnerFeed {
 public:
  // `source` may be null (no registry enabled): every tick then reports an empty fleet.
  SpawnerFeed(SpawnerSource* source, std::uint64_t epoch);

  // Learns the current fleet without producing an event, so that the first tick after start
  // does not send the whole fleet to everybody.
  void Prime();
  // A `spawner.registered` or `spawner.updated` payload. False if unreadable (ignored).
  bool OnChanged(std::string_view payload);
  // A `spawner.removed` payload. False if unreadable (ignored).
  bool OnRemoved(std::string_view payload);
  // The payload of this tick's `spawners` event (see SpawnerDeltaJson); `now_ms` (Unix ms)
  // is what its time offsets count from.
  std::string Tick(std::int64_t now_ms);

  // The version the last event produced; what a new client is told in `hello`. Any thread.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::uint64_t epoch() const { return epoch_; }
  bool available() const { return source_ != nullptr; }
  // Spawners held, and the bytes the mirror takes (entries, buckets, pending lists).
  std::size_t size() const;
  std::size_t MemoryBytes() const;

 private:
  // Which values changed since the last tick.
  enum Changed : std::uint8_t {
    kMax = 1,
    kCurrent = 2,
    kStatus = 4,
    kLastSeen = 8,
    kHealth = 16,
  };
  struct Entry {
    std::uint64_t revision = 0;
    std::int64_t last_seen_ms = 0;
    std::uint32_t max_instances = 0;
    std::uint32_t current_instances = 0;
    std::string status;        // inline for statuses of up to 15 bytes
    std::uint32_t seen = 0;    // the last reconcile that found it
    std::uint8_t changed = 0;  // Changed bits
    bool suspect = false;
    bool fresh = false;   // not yet sent: goes out whole
    bool queued = false;  // in touched_
  };

  enum class Source { kEvent, kVisit, kPrime };
  // Applies `state` to the entry of its id (creating it fresh if unknown, quietly when
  // priming). Call locked.
  void ApplyLocked(const SpawnerState& state, Source from);
  void TouchLocked(std::uint64_t id, Entry& entry);
  void EraseLocked(std::uint64_t id);
  // Visits the directory and makes the mirror equal to it. Call locked.
  bool ReconcileLocked(Source from);
  // Moves what was touched and removed since the last tick into `delta`. Call locked.
  void BuildLocked(SpawnerDelta& delta, std::int64_t now_ms);
  FleetTotals CurrentTotals();

  SpawnerSource* source_;
  std::uint64_t epoch_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::vector<std::uint64_t> touched_;  // ids with changes since the last tick
  std::vector<std::uint64_t> removed_;  // ids removed since the last tick
  std::uint64_t suspect_ = 0;           // entries with suspect set
  std::uint32_t generation_ = 0;        // of reconciles
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace sr::dashboard
