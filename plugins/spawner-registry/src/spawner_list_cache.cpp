#include "spawner_list_cache.h"

#include "spawner_json.h"

namespace sr::spawner_registry {

SpawnerListCache::SpawnerListCache(const SpawnerTable& table, const RegistryClock& clock,
                                   std::int64_t suspect_after_ms, std::int64_t max_staleness_ms)
    : table_(table),
      clock_(clock),
      suspect_after_ms_(suspect_after_ms),
      max_staleness_ms_(max_staleness_ms) {}

SpawnerListCache::Moment SpawnerListCache::Now() const {
  // Versions first: a list built after reading them holds at least those changes.
  Moment moment;
  moment.membership = table_.membership_version();
  moment.version = table_.version();
  moment.now_ms = clock_.SteadyMs();
  return moment;
}

bool SpawnerListCache::IsFresh(const Snapshot& snapshot, const Moment& moment) const {
  if (snapshot.json == nullptr || snapshot.membership < moment.membership) return false;
  if (snapshot.version == moment.version && moment.now_ms < snapshot.exact_until_ms) {
    return true;
  }
  return moment.now_ms - snapshot.built_at_ms < max_staleness_ms_;
}

SpawnerListCache::Snapshot SpawnerListCache::Serialize(const Moment& moment) const {
  Liveness liveness{moment.now_ms, suspect_after_ms_, 0};
  Snapshot snapshot;
  // Copies under each shard's lock in turn; serializes with no lock held.
  std::vector<SpawnerSnapshot> spawners = table_.SnapshotAll(liveness, &snapshot.exact_until_ms);
  snapshot.json = std::make_shared<const std::string>(SpawnerListJson(spawners));
  snapshot.version = moment.version;
  snapshot.membership = moment.membership;
  snapshot.built_at_ms = moment.now_ms;
  snapshot.count = spawners.size();
  return snapshot;
}

std::optional<SpawnerListCache::Snapshot> SpawnerListCache::Fresh() {
  Moment moment = Now();
  std::lock_guard<std::mutex> lock(mutex_);
  if (IsFresh(current_, moment)) return current_;
  return std::nullopt;
}

std::optional<SpawnerListCache::Snapshot> SpawnerListCache::GetOrWait(Waiter waiter,
                                                                      bool& must_build) {
  Moment moment = Now();
  std::lock_guard<std::mutex> lock(mutex_);
  must_build = false;
  if (IsFresh(current_, moment)) return current_;
  waiters_.emplace_back(moment.membership, std::move(waiter));
  if (!build_scheduled_) {
    build_scheduled_ = true;
    must_build = true;
  }
  return std::nullopt;
}

SpawnerListCache::Snapshot SpawnerListCache::Build() {
  std::lock_guard<std::mutex> build_lock(build_mutex_);
  while (true) {
    Moment moment = Now();
    Snapshot snapshot;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (IsFresh(current_, moment)) snapshot = current_;
    }
    if (snapshot.json == nullptr) snapshot = Serialize(moment);

    std::vector<Waiter> ready;
    bool more = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = snapshot;
      auto keep = waiters_.begin();
      for (auto& entry : waiters_) {
        if (entry.first <= snapshot.membership) {
          ready.push_back(std::move(entry.second));
        } else {
          *keep++ = std::move(entry);
        }
      }
      waiters_.erase(keep, waiters_.end());
      more = !waiters_.empty();
      if (!more) build_scheduled_ = false;
    }
    for (Waiter& waiter : ready) waiter(snapshot);
    if (!more) return snapshot;
  }
}

SpawnerListCache::Snapshot SpawnerListCache::Get() {
  Moment moment = Now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (IsFresh(current_, moment)) return current_;
  }
  return Build();
}

std::size_t SpawnerListCache::CachedBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_.json != nullptr ? current_.json->capacity() : 0;
}

}  // namespace sr::spawner_registry
