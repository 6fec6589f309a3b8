#include "spawner_table.h"

#include <algorithm>
#include <limits>
#include <map>

namespace sr::spawner_registry {

namespace {

// What malloc takes for a request of `bytes`: an 8-byte header, rounded to 16.
constexpr std::size_t Chunk(std::size_t bytes) { return (bytes + 8 + 15) / 16 * 16; }

// A string's heap block, if it outgrew the inline buffer.
std::size_t StringHeap(const std::string& text) {
  return text.capacity() > 15 ? Chunk(text.capacity() + 1) : 0;
}

bool Expired(const SpawnerTable::Entry& entry, const Liveness& liveness) {
  return liveness.now_ms - entry.alive_at_ms > liveness.ttl_ms;
}

}  // namespace

SpawnerTable::SpawnerTable(std::size_t shard_count)
    : shard_count_(std::max<std::size_t>(shard_count, 1)),
      shards_(std::make_unique<Shard[]>(shard_count_)) {}

SpawnerSnapshot SpawnerTable::Snapshot(const Entry& entry, const Liveness& liveness) {
  return SpawnerSnapshot{entry.identity, entry.load, entry.last_seen_ms,
                         liveness.now_ms - entry.alive_at_ms > liveness.suspect_after_ms,
                         entry.revision};
}

std::size_t SpawnerTable::MemoryBytes() const {
  // An unordered_map node of an integer key: the next pointer and the value (no cached hash).
  constexpr std::size_t kNode = Chunk(sizeof(void*) + sizeof(std::pair<const SpawnerId, Entry>));
  // make_shared: the control block (two counts, a vtable pointer) and the identity together.
  constexpr std::size_t kIdentity = Chunk(16 + sizeof(SpawnerIdentity));
  std::size_t bytes = sizeof(Shard) * shard_count_;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    bytes += shard.entries.bucket_count() * sizeof(void*) +
             shard.dirty.capacity() * sizeof(SpawnerId) + shard.entries.size() * kNode;
    for (const auto& [id, entry] : shard.entries) {
      const SpawnerIdentity& identity = *entry.identity;
      bytes += kIdentity + StringHeap(identity.region) + StringHeap(identity.host) +
               StringHeap(identity.registered_from) + StringHeap(entry.load.status);
    }
  }
  return bytes;
}

std::uint64_t SpawnerTable::version() const {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    sum += shards_[i].changes.load(std::memory_order_acquire);
  }
  return sum;
}

void SpawnerTable::Insert(Entry entry) {
  SpawnerId id = entry.identity->id;
  Shard& shard = ShardOf(id);
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto [it, inserted] = shard.entries.insert_or_assign(id, std::move(entry));
    if (inserted) size_.fetch_add(1, std::memory_order_relaxed);
    if (it->second.dirty) shard.dirty.push_back(id);
    Changed(shard);
  }
  MembershipChanged();
}

bool SpawnerTable::InsertNew(Entry entry) {
  SpawnerId id = entry.identity->id;
  Shard& shard = ShardOf(id);
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto [it, inserted] = shard.entries.try_emplace(id, std::move(entry));
    if (!inserted) return false;
    size_.fetch_add(1, std::memory_order_relaxed);
    if (it->second.dirty) shard.dirty.push_back(id);
    Changed(shard);
  }
  MembershipChanged();
  return true;
}

SpawnerTable::MergeOutcome SpawnerTable::Merge(SpawnerId id, const RemoteState& remote,
                                               const Liveness& liveness) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return MergeOutcome{};
  Entry& entry = it->second;
  bool changed = false;
  if (entry.identity->registered_from.empty() && !remote.registered_from.empty()) {
    entry.identity = BindIdentity(*entry.identity, remote.registered_from);
    changed = true;
  }
  if (remote.last_seen_ms > entry.last_seen_ms) {
    entry.load = remote.load;
    entry.last_seen_ms = remote.last_seen_ms;
    entry.alive_at_ms = std::max(entry.alive_at_ms, remote.alive_at_ms);
    changed = true;
  }
  if (!changed) return MergeOutcome{true, std::nullopt};
  ++entry.revision;
  Changed(shard);
  return MergeOutcome{true, Snapshot(entry, liveness)};
}

bool SpawnerTable::IsExpired(SpawnerId id, const Liveness& liveness) const {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  return it != shard.entries.end() && Expired(it->second, liveness);
}

void SpawnerTable::MarkDirtyLocked(Shard& shard, Entry& entry) {
  if (!entry.dirty) {
    entry.dirty = true;
    shard.dirty.push_back(entry.identity->id);
  }
}

Access SpawnerTable::AuthorizeLocked(Shard& shard, Entry& entry, const Caller& caller) {
  Access access = CheckAccess(*entry.identity, caller);
  if (access == Access::kBindFirstUse) {
    entry.identity = BindIdentity(*entry.identity, caller.address);
    ++entry.revision;
    MarkDirtyLocked(shard, entry);
  }
  return access;
}

std::optional<Access> SpawnerTable::Heartbeat(SpawnerId id, const HeartbeatUpdate& update,
                                              std::int64_t wall_ms, std::int64_t steady_ms,
                                              const Caller& caller) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return std::nullopt;
  Entry& entry = it->second;
  Access access = AuthorizeLocked(shard, entry, caller);
  if (!Permits(access)) return access;
  if (update.max_instances) entry.load.max_instances = *update.max_instances;
  if (update.current_instances) entry.load.current_instances = *update.current_instances;
  if (update.status) entry.load.status = *update.status;
  entry.last_seen_ms = wall_ms;
  entry.alive_at_ms = steady_ms;
  ++entry.revision;
  MarkDirtyLocked(shard, entry);
  Changed(shard);
  return access;
}

std::optional<Access> SpawnerTable::Authorize(SpawnerId id, const Caller& caller) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return std::nullopt;
  return AuthorizeLocked(shard, it->second, caller);
}

std::optional<SpawnerSnapshot> SpawnerTable::Get(SpawnerId id, const Liveness& liveness) const {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return std::nullopt;
  return Snapshot(it->second, liveness);
}

std::shared_ptr<const SpawnerIdentity> SpawnerTable::Identity(SpawnerId id) const {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  return it == shard.entries.end() ? nullptr : it->second.identity;
}

bool SpawnerTable::BeginRemoval(SpawnerId id) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end() || it->second.removing) return false;
  it->second.removing = true;
  return true;
}

bool SpawnerTable::BeginRemovalIfExpired(SpawnerId id, const Liveness& liveness) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it == shard.entries.end() || it->second.removing || !Expired(it->second, liveness)) {
    return false;
  }
  it->second.removing = true;
  return true;
}

void SpawnerTable::CancelRemoval(SpawnerId id) {
  Shard& shard = ShardOf(id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.entries.find(id);
  if (it != shard.entries.end()) it->second.removing = false;
}

std::optional<SpawnerSnapshot> SpawnerTable::FinishRemoval(SpawnerId id, const Liveness& liveness) {
  Shard& shard = ShardOf(id);
  std::optional<SpawnerSnapshot> removed;
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.entries.find(id);
    if (it == shard.entries.end()) return std::nullopt;
    removed = Snapshot(it->second, liveness);
    shard.entries.erase(it);
    size_.fetch_sub(1, std::memory_order_relaxed);
    Changed(shard);
  }
  MembershipChanged();
  return removed;
}

std::vector<SpawnerSnapshot> SpawnerTable::TakeDirty(const Liveness& liveness, std::size_t limit) {
  std::vector<SpawnerSnapshot> taken;
  const std::size_t first = next_dirty_shard_.load(std::memory_order_relaxed) % shard_count_;
  for (std::size_t n = 0; n < shard_count_ && taken.size() < limit; ++n) {
    const std::size_t i = (first + n) % shard_count_;
    next_dirty_shard_.store(i + 1, std::memory_order_relaxed);
    Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.dirty.empty()) continue;
    std::vector<SpawnerId> ids;
    ids.swap(shard.dirty);
    for (SpawnerId id : ids) {
      auto it = shard.entries.find(id);
      if (it == shard.entries.end() || !it->second.dirty) continue;
      if (it->second.removing) {
        shard.dirty.push_back(id);  // reconsidered if the removal is cancelled
        continue;
      }
      it->second.dirty = false;
      taken.push_back(Snapshot(it->second, liveness));
    }
  }
  return taken;
}

void SpawnerTable::MarkDirty(const std::vector<SpawnerId>& ids) {
  for (SpawnerId id : ids) {
    Shard& shard = ShardOf(id);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.entries.find(id);
    if (it == shard.entries.end() || it->second.dirty) continue;
    it->second.dirty = true;
    shard.dirty.push_back(id);
  }
}

std::vector<SpawnerId> SpawnerTable::CollectExpired(const Liveness& liveness) const {
  std::vector<SpawnerId> expired;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [id, entry] : shard.entries) {
      if (!entry.removing && Expired(entry, liveness)) expired.push_back(id);
    }
  }
  std::sort(expired.begin(), expired.end());
  return expired;
}

std::vector<SpawnerSnapshot> SpawnerTable::SnapshotAll(const Liveness& liveness,
                                                       std::int64_t* next_health_change_ms) const {
  std::vector<SpawnerSnapshot> all;
  all.reserve(size() + 16);
  std::int64_t next_change = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [id, entry] : shard.entries) {
      all.push_back(Snapshot(entry, liveness));
      if (!all.back().suspect) {
        next_change = std::min(next_change, entry.alive_at_ms + liveness.suspect_after_ms + 1);
      }
    }
  }
  if (next_health_change_ms != nullptr) *next_health_change_ms = next_change;
  std::sort(all.begin(), all.end(), [](const SpawnerSnapshot& a, const SpawnerSnapshot& b) {
    return a.identity->id < b.identity->id;
  });
  return all;
}

SpawnerTable::Totals SpawnerTable::ComputeTotals(const Liveness& liveness) const {
  Totals totals;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [id, entry] : shard.entries) {
      ++totals.spawners;
      if (liveness.now_ms - entry.alive_at_ms > liveness.suspect_after_ms) ++totals.suspect;
      totals.current_instances += static_cast<std::uint64_t>(entry.load.current_instances);
      totals.max_instances += static_cast<std::uint64_t>(entry.load.max_instances);
    }
  }
  return totals;
}

std::vector<std::pair<std::string, SpawnerTable::Totals>> SpawnerTable::ComputeRegionTotals(
    const Liveness& liveness) const {
  std::map<std::string, Totals, std::less<>> regions;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [id, entry] : shard.entries) {
      const std::string& region = entry.identity->region;
      auto it = regions.find(region);
      if (it == regions.end()) it = regions.emplace(region, Totals{}).first;
      Totals& totals = it->second;
      ++totals.spawners;
      if (liveness.now_ms - entry.alive_at_ms > liveness.suspect_after_ms) ++totals.suspect;
      totals.current_instances += static_cast<std::uint64_t>(entry.load.current_instances);
      totals.max_instances += static_cast<std::uint64_t>(entry.load.max_instances);
    }
  }
  return {std::make_move_iterator(regions.begin()), std::make_move_iterator(regions.end())};
}

}  // namespace sr::spawner_registry
