#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/negative_cache.hpp>
#include <sr/read_budget.hpp>

#include "registry_options.h"
#include "registry_ports.h"
#include "removed_ids.h"
#include "spawner.h"
#include "spawner_codec.h"
#include "spawner_list_cache.h"
#include "spawner_request.h"
#include "spawner_table.h"

namespace sr::spawner_registry {

// What a change that must be committed came to.
struct ChangeOutcome {
  enum class Result { kOk, kNotFound, kUnavailable, kFull };
  Result result = Result::kOk;
  SpawnerId id = 0;
  std::string message;  // for kUnavailable and kFull
  std::string token;    // a registration's: the new spawner's token, handed out once
};

struct LoadSummary {
  std::size_t spawners = 0;
  std::size_t unreadable = 0;  // records skipped (their ids stay used)
  SpawnerId next_id = 1;       // 0 in cluster mode: ids come from the cluster's sequence
};

struct SweepSummary {
  bool leading = true;      // false: another master sweeps (cluster mode), nothing was done
  std::size_t expired = 0;  // found expired
  std::size_t removed = 0;
  std::string error;  // why the sweep stopped early
};

// The spawner registry: memory state, id allocation, durability and events.
//
// Durability: registrations and deletions are committed to the store before they take
// effect in memory and before `done` runs (so a 201 or a 200 is only sent after the commit,
// and a failed commit leaves memory unchanged). Heartbeats change memory at once and are
// written behind in batches by FlushDirty(). Without a store the registry lives in memory.
//
// Ordering: every batch is queued under order_mutex_, together with the memory marks that
// decide its content, so the store applies them in the same order as memory saw them: a
// write-behind batch can never resurrect a spawner whose deletion was queued before it, and
// the stored id counter only grows. The lock is held for queueing, never across I/O.
// Registrations (in memory) and write-behind updates are also published under it, so that a
// spawner's spawner.removed, which needs the lock to begin, is always its last event.
//
// Cluster mode (a clustered store: several masters share it, registry_cluster.cpp): ids are
// drawn from the cluster's sequence; registrations and deletions are committed as above;
// write-behind batches use kUpdate, so they never resurrect a spawner another master
// deleted. The other masters' changes arrive through a watch set up before the initial scan
// (ApplyRemote): a put adds the spawner or merges into it (the later last_seen wins, mapped
// onto this master's steady clock), a delete removes it; the usual events follow. Spawners
// removed here are remembered for a while (RemovedIds) so that a put read before their
// deletion is not applied after it. Only the holder of the lease kSweeperLease sweeps.
// A request naming a spawner this master does not hold reads the store (ReadThrough); what the
// store said it lacks is remembered for kMissTtlMs (sr::NegativeCache), so that a client
// repeating an unknown id costs one read, not one per request; a put of the spawner, ours or
// another master's, ends that at once. Distinct unknown ids (a flood of guesses) are bounded
// by sr::ReadBudget instead: at most kReadsPerSecond reads a second, and past that the request
// is answered from memory, as when the database is away.
class Registry {
 public:
  using Done = std::function<void(const ChangeOutcome&)>;
  using Warn = std::function<void(const std::string&)>;

  // The cluster-wide lease of the expiry sweep.
  static constexpr std::string_view kSweeperLease = "spawner-sweeper";
  // How long removed ids are remembered in cluster mode.
  static constexpr std::int64_t kRemovedHorizonMs = 120000;
  // Cluster mode: how long, and for how many ids at most, a read-through's miss is
  // remembered. Short: an id requested before it was handed out stays unknown here for that
  // long at most when its registration's change is slow to arrive.
  static constexpr std::int64_t kMissTtlMs = 2000;
  static constexpr std::size_t kMissCapacity = 4096;
  // Cluster mode: read-throughs a second at most, in bursts of kReadBurst. A registration's
  // change reaches every master within about a second, so a legitimate read-through is rare
  // (a spawner's first request on another master within that second).
  static constexpr std::uint32_t kReadsPerSecond = 100;
  static constexpr std::uint32_t kReadBurst = 200;

  // `store` may be null (memory only). Every reference must outlive the registry.
  Registry(RegistryOptions options, RegistryStore* store, EventSink& events,
           const RegistryClock& clock);

  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  bool persistent() const { return store_ != nullptr; }
  bool clustered() const { return clustered_; }

  // Restores spawners and the id counter. Loaded spawners get one full TTL of grace before
  // they count as silent; last_seen still reports the stored time. In cluster mode it first
  // starts following the other masters' changes (until StopWatching), and `warn` is kept for
  // their unreadable records. Throws std::runtime_error.
  LoadSummary Load(const Warn& warn);
  // Ends the watch of the other masters' changes (waiting for one being applied): before
  // the plugin stops. Also done by the destructor.
  void StopWatching();
  // Applies another master's change to the spawner record `key` (the store's watch calls it;
  // public for tests): a put adds or merges, a delete removes.
  void ApplyRemote(std::string_view key, std::string_view value, bool deleted);

  // `done` runs once: at once without a store, else on the store's thread after the commit.
  // `registered_from` is the registering client's address (see SpawnerIdentity). The
  // outcome carries the new spawner's token; only its digest is kept.
  void Register(Registration registration, std::string registered_from, Done done);
  void Delete(SpawnerId id, Done done);
  // Memory only; false for an unknown id.
  bool Heartbeat(SpawnerId id, const HeartbeatUpdate& update);
  // Applied only when `caller` may act on the spawner; nullopt for an unknown id.
  std::optional<Access> Heartbeat(SpawnerId id, const HeartbeatUpdate& update,
                                  const Caller& caller);
  // Whether `caller` may act on the spawner (binding a restored record on first use);
  // nullopt for an unknown id.
  std::optional<Access> Authorize(SpawnerId id, const Caller& caller);
  // The id of the spawner whose live token `token` is. Looks up that one spawner (one shard
  // lock, no I/O; in cluster mode one read of the store when this master does not know the
  // spawner, see ReadThrough) and compares digests in constant time.
  std::optional<SpawnerId> VerifyToken(std::string_view token);

  std::optional<SpawnerSnapshot> Get(SpawnerId id) const;
  std::shared_ptr<const SpawnerIdentity> Identity(SpawnerId id) const;
  SpawnerTable::Totals Totals() const;
  std::vector<std::pair<std::string, SpawnerTable::Totals>> RegionTotals() const;
  // Every spawner by ascending id, copied shard by shard (no lock held while they are used).
  std::vector<SpawnerSnapshot> All() const;
  std::uint64_t version() const { return table_.version(); }
  std::size_t size() const { return table_.size(); }
  std::size_t MemoryBytes() const { return table_.MemoryBytes(); }
  SpawnerListCache& list() { return list_; }

  // Publishes spawner.updated for spawners changed since the last call and writes them to
  // the store, in batches of about kFlushBatch; waits for each commit. For the write-behind
  // task.
  void FlushDirty();
  static constexpr std::size_t kFlushBatch = 2000;
  // Removes spawners silent for longer than the TTL, in batches; waits for each commit. For
  // the expiry task. In cluster mode only while this master holds kSweeperLease; the
  // deletions go through the store, so every master sees them.
  SweepSummary SweepExpired();

 private:
  Liveness Now() const;
  // Cluster mode: draws the id from the store (blocking: callers keep it off I/O threads).
  void RegisterClustered(Registration registration, std::string registered_from, Done done);
  // Cluster mode: adds a stored record, or merges it into the spawner (other masters' puts,
  // and the initial scan, whose records get `alive_at_ms` as their grace). Publishes
  // spawner.registered or spawner.updated when `publish`.
  void Adopt(StoredSpawner stored, std::int64_t alive_at_ms, bool publish);
  void LoadClustered(LoadSummary& summary);
  // Cluster mode: reads spawner `id` from the store when this master does not know it (its
  // registration on another master may not have been delivered here yet; a heartbeat may
  // land on any master). True when it is known now. Ids removed here are not read again, nor
  // ids the store lacked less than kMissTtlMs ago (misses_), nor any while the read budget
  // is spent (reads_).
  bool ReadThrough(SpawnerId id);
  // A new spawner, seen now.
  SpawnerTable::Entry NewEntry(Registration registration, std::string registered_from,
                               SpawnerId id, const TokenDigest& token_digest) const;
  // A stored spawner, alive at `alive_at_ms` (steady clock).
  static SpawnerTable::Entry EntryOf(StoredSpawner stored, std::int64_t alive_at_ms);
  // Commits `writes` and waits. True without a store.
  bool CommitAndWait(std::vector<RegistryStore::Write> writes, std::string& error);
  // One batch of FlushDirty; false when nothing was dirty or the commit failed.
  bool FlushBatch();
  // Finishes a committed removal and publishes spawner.removed with the removed record.
  void Removed(SpawnerId id, std::string_view reason);

  RegistryOptions options_;
  RegistryStore* store_;
  EventSink& events_;
  const RegistryClock& clock_;
  SpawnerTable table_;
  SpawnerListCache list_;

  std::mutex order_mutex_;                               // see "Ordering" above
  SpawnerId next_id_ = 1;                                // guarded by order_mutex_
  std::atomic<std::size_t> registrations_in_flight_{0};  // counted against max_spawners

  // Cluster mode. Taken after order_mutex_ when both are needed, never before: it makes
  // "is it removed?" and the insertion or removal one step.
  const bool clustered_;
  std::mutex removed_mutex_;
  RemovedIds removed_{kRemovedHorizonMs};  // guarded by removed_mutex_
  // Ids the store lacked lately, by record key; forgotten on every put of the key.
  NegativeCache misses_{kMissTtlMs, kMissCapacity};
  ReadBudget reads_{kReadsPerSecond, kReadBurst};
  Warn warn_;                              // set by Load before the watch starts
  std::unique_ptr<RegistryStore::Watch> watch_;  // last: ended before what it uses
};

}  // namespace sr::spawner_registry
