#include "failure_limiter.h"

#include <algorithm>

namespace sr::auth {

FailureLimiter::FailureLimiter(FailurePolicy policy) : policy_(policy) {
  policy_.max_tracked = std::max<std::size_t>(policy_.max_tracked, 1);
}

std::int64_t FailureLimiter::LockoutFor(std::uint32_t failures) const {
  if (failures < policy_.free_failures) return 0;
  std::uint32_t doublings = failures - policy_.free_failures;
  std::int64_t lockout = policy_.base_lockout_ms;
  for (std::uint32_t i = 0; i < doublings && lockout < policy_.max_lockout_ms; ++i) lockout *= 2;
  return std::min(lockout, policy_.max_lockout_ms);
}

void FailureLimiter::ForgetExpired(std::int64_t now_ms) {
  while (!recency_.empty()) {
    auto it = entries_.find(recency_.front());
    const Entry& entry = it->second;
    if (now_ms - entry.last_failure_ms <= policy_.forget_after_ms) break;
    if (entry.locked_until_ms > now_ms) break;
    entries_.erase(it);
    recency_.pop_front();
  }
  tracked_.store(entries_.size(), std::memory_order_release);
}

std::optional<std::int64_t> FailureLimiter::LockedForMs(std::string_view key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  ForgetExpired(now_ms);
  if (entries_.empty()) return std::nullopt;
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || it->second.locked_until_ms <= now_ms) return std::nullopt;
  return it->second.locked_until_ms - now_ms;
}

std::int64_t FailureLimiter::RecordFailure(std::string_view key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  ForgetExpired(now_ms);
  std::string owned(key);
  auto it = entries_.find(owned);
  if (it == entries_.end()) {
    if (entries_.size() >= policy_.max_tracked) {
      entries_.erase(recency_.front());
      recency_.pop_front();
    }
    recency_.push_back(owned);
    Entry entry;
    entry.recency = std::prev(recency_.end());
    it = entries_.emplace(std::move(owned), entry).first;
    tracked_.store(entries_.size(), std::memory_order_release);
  } else {
    recency_.splice(recency_.end(), recency_, it->second.recency);
  }
  Entry& entry = it->second;
  if (entry.failures > 0 && now_ms - entry.last_failure_ms > policy_.forget_after_ms) {
    entry.failures = 0;
  }
  entry.failures = std::min<std::uint32_t>(entry.failures + 1, 1'000'000);
  entry.last_failure_ms = now_ms;
  std::int64_t lockout = LockoutFor(entry.failures);
  if (lockout > 0) entry.locked_until_ms = now_ms + lockout;
  return lockout;
}

std::uint32_t FailureLimiter::Failures(std::string_view key, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return 0;
  if (now_ms - it->second.last_failure_ms > policy_.forget_after_ms) return 0;
  return it->second.failures;
}

void FailureLimiter::Reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return;
  recency_.erase(it->second.recency);
  entries_.erase(it);
  tracked_.store(entries_.size(), std::memory_order_release);
}

}  // namespace sr::auth
