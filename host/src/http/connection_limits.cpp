#include "http/connection_limits.h"

#include "runtime/host_stats.h"

namespace sr::host {

bool AddressCounter::TryAcquire(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::int64_t& count = counts_[address];
  if (count >= limit_) {
    if (count == 0) counts_.erase(address);
    return false;
  }
  ++count;
  return true;
}

void AddressCounter::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counts_.find(address);
  if (it == counts_.end()) return;
  if (--it->second <= 0) counts_.erase(it);  // the map holds only addresses with connections
}

std::int64_t AddressCounter::Count(const std::string& address) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

void IdleList::Add(std::uint64_t connection_id, SteadyClock::time_point since) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.emplace(since.time_since_epoch().count(), connection_id);
}

void IdleList::Remove(std::uint64_t connection_id, SteadyClock::time_point since) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(Key(since.time_since_epoch().count(), connection_id));
}

std::optional<SteadyClock::time_point> IdleList::Oldest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  return SteadyClock::time_point(SteadyClock::duration(entries_.begin()->first));
}

std::optional<std::uint64_t> IdleList::TakeOldest(SteadyClock::time_point since) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.empty() || entries_.begin()->first != since.time_since_epoch().count()) {
    return std::nullopt;
  }
  std::uint64_t id = entries_.begin()->second;
  entries_.erase(entries_.begin());
  return id;
}

void IdleConnections::Register(const std::shared_ptr<IdleList>& list) {
  std::lock_guard<std::mutex> lock(mutex_);
  lists_.push_back(list);
}

std::optional<IdleConnections::Victim> IdleConnections::ClaimOldest() {
  std::vector<std::shared_ptr<IdleList>> lists;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& weak : lists_) {
      if (auto list = weak.lock()) lists.push_back(std::move(list));
    }
  }
  // The lists change under us (other threads add and remove): retry a few times when the
  // oldest entry seen is gone by the time it is claimed.
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::shared_ptr<IdleList> best;
    SteadyClock::time_point best_since{};
    for (const auto& list : lists) {
      auto oldest = list->Oldest();
      if (oldest && (!best || *oldest < best_since)) {
        best = list;
        best_since = *oldest;
      }
    }
    if (!best) return std::nullopt;
    if (auto id = best->TakeOldest(best_since)) return Victim{best, *id};
  }
  return std::nullopt;
}

IdleConnections::Room IdleConnections::MakeRoom(const HostStats& stats,
                                                std::int64_t max_connections) {
  std::lock_guard<std::mutex> lock(admission_mutex_);
  if (stats.connections() - evictions_pending_ <= max_connections) return {};
  auto victim = ClaimOldest();
  if (!victim) return Room{Decision::kRefuse, {}};
  ++evictions_pending_;
  return Room{Decision::kEvict, std::move(*victim)};
}

void IdleConnections::EvictionDone() {
  std::lock_guard<std::mutex> lock(admission_mutex_);
  if (evictions_pending_ > 0) --evictions_pending_;
}

}  // namespace sr::host
