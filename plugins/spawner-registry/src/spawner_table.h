#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "spawner.h"
#include "spawner_access.h"
#include "spawner_request.h"

namespace sr::spawner_registry {

// Liveness thresholds, in milliseconds of the steady clock.
struct Liveness {
  std::int64_t now_ms = 0;
  std::int64_t suspect_after_ms = 0;
  std::int64_t ttl_ms = 0;
};

// Every spawner in memory, in shards that each have their own lock, so that heartbeats to
// different spawners do not contend and no reader holds more than one shard at a time.
// Locks are held for map operations and copies only: never across I/O or serialization.
class SpawnerTable {
 public:
  struct Entry {
    std::shared_ptr<const SpawnerIdentity> identity;
    SpawnerLoad load;
    std::int64_t last_seen_ms = 0;  // wall clock, reported as last_seen
    std::int64_t alive_at_ms = 0;   // steady clock: last heartbeat, or start of a grace period
    bool dirty = false;             // changed since the last write-behind
    bool removing = false;          // its removal is being committed
    // 1 when inserted (registered or restored), +1 with every change to it (heartbeat,
    // address binding). Events and the directory service carry it, so that a reader can tell
    // whether an event is already reflected in a snapshot (sr/services/spawner_directory.h).
    std::uint64_t revision = 1;
  };

  struct Totals {
    std::uint64_t spawners = 0;
    std::uint64_t suspect = 0;
    std::uint64_t current_instances = 0;
    std::uint64_t max_instances = 0;
  };

  // A spawner's state as another master stored it (cluster mode).
  struct RemoteState {
    SpawnerLoad load;
    std::int64_t last_seen_ms = 0;  // wall clock
    std::int64_t alive_at_ms = 0;   // last_seen mapped onto this master's steady clock
    std::string registered_from;
  };
  struct MergeOutcome {
    bool found = false;
    std::optional<SpawnerSnapshot> changed;  // the spawner after a change readers can see
  };

  explicit SpawnerTable(std::size_t shard_count = 64);

  void Insert(Entry entry);
  // Inserts only a spawner that is not there yet; false (and nothing changed) otherwise.
  bool InsertNew(Entry entry);
  // Takes another master's state when it is newer (a later last_seen), keeping the later
  // moment of liveness, and the address a restored record was bound to there. Not marked
  // dirty: it is already stored.
  MergeOutcome Merge(SpawnerId id, const RemoteState& remote, const Liveness& liveness);
  // True when the spawner is known and silent for longer than the TTL.
  bool IsExpired(SpawnerId id, const Liveness& liveness) const;
  // Applies a heartbeat and marks the spawner dirty. False for an unknown id.
  bool Heartbeat(SpawnerId id, const HeartbeatUpdate& update, std::int64_t wall_ms,
                 std::int64_t steady_ms) {
    return Heartbeat(id, update, wall_ms, steady_ms, Caller{}).has_value();
  }
  // The same for `caller`, in the same lookup: applied only when CheckAccess allows it.
  // nullopt for an unknown id.
  std::optional<Access> Heartbeat(SpawnerId id, const HeartbeatUpdate& update, std::int64_t wall_ms,
                                  std::int64_t steady_ms, const Caller& caller);
  // Whether `caller` may act on the spawner; nullopt for an unknown id. A restored record
  // without an address binds to a shared key's address here (and is marked dirty, so that
  // the binding is stored).
  std::optional<Access> Authorize(SpawnerId id, const Caller& caller);
  std::optional<SpawnerSnapshot> Get(SpawnerId id, const Liveness& liveness) const;
  std::shared_ptr<const SpawnerIdentity> Identity(SpawnerId id) const;

  // Removal is two-phase: marked first (the store commits), then finished or cancelled.
  // Marked spawners stay visible and are left out of write-behind batches, so that no
  // stale write can follow their deletion.
  bool BeginRemoval(SpawnerId id);
  // Marks the spawner only if it is still expired and not already being removed.
  bool BeginRemovalIfExpired(SpawnerId id, const Liveness& liveness);
  void CancelRemoval(SpawnerId id);
  std::optional<SpawnerSnapshot> FinishRemoval(SpawnerId id, const Liveness& liveness);

  // The spawners changed since the last call (not those being removed); clears their marks.
  // At most about `limit` of them (whole shards: a shard is never left half taken), starting
  // after the shard where the previous limited call stopped, so that batches go round.
  std::vector<SpawnerSnapshot> TakeDirty(const Liveness& liveness, std::size_t limit = SIZE_MAX);
  // Marks spawners dirty again (a write-behind batch failed).
  void MarkDirty(const std::vector<SpawnerId>& ids);

  // Ids silent for longer than the TTL, ascending; each shard is locked in turn.
  std::vector<SpawnerId> CollectExpired(const Liveness& liveness) const;
  // Every spawner by ascending id. `next_health_change_ms`, when given, receives the first
  // moment (steady clock) at which one of them turns suspect if nothing else happens.
  std::vector<SpawnerSnapshot> SnapshotAll(const Liveness& liveness,
                                           std::int64_t* next_health_change_ms = nullptr) const;
  Totals ComputeTotals(const Liveness& liveness) const;
  // The totals of every region that has spawners, by region name (byte order).
  std::vector<std::pair<std::string, Totals>> ComputeRegionTotals(const Liveness& liveness) const;

  std::size_t size() const { return size_.load(std::memory_order_relaxed); }
  // The heap bytes the table holds: entries, buckets, identities and their strings, dirty
  // lists. Computed from sizes and capacities as glibc's malloc rounds them; each shard is
  // locked in turn.
  std::size_t MemoryBytes() const;
  // Grows with every change (the sum of the shards' counters, so that heartbeats to
  // different shards never write a shared cache line); membership_version grows only when
  // spawners come or go.
  std::uint64_t version() const;
  std::uint64_t membership_version() const {
    return membership_version_.load(std::memory_order_acquire);
  }

 private:
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::unordered_map<SpawnerId, Entry> entries;
    std::vector<SpawnerId> dirty;
    std::atomic<std::uint64_t> changes{0};  // written under `mutex`, read without it
  };

  Shard& ShardOf(SpawnerId id) const { return shards_[id % shard_count_]; }
  static SpawnerSnapshot Snapshot(const Entry& entry, const Liveness& liveness);
  // CheckAccess, binding on first use. Call with the shard's lock held.
  static Access AuthorizeLocked(Shard& shard, Entry& entry, const Caller& caller);
  static void MarkDirtyLocked(Shard& shard, Entry& entry);
  // Call with the shard's lock held.
  static void Changed(Shard& shard) { shard.changes.fetch_add(1, std::memory_order_release); }
  void MembershipChanged() { membership_version_.fetch_add(1, std::memory_order_acq_rel); }

  std::size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::size_t> size_{0};
  std::atomic<std::uint64_t> membership_version_{0};
  std::atomic<std::size_t> next_dirty_shard_{0};  // where the next TakeDirty starts
};

}  // namespace sr::spawner_registry
