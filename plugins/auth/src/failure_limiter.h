// Counts failures per key (a client IP, an account) and locks a key out for a window that
// doubles with every failure past the free ones. Memory is bounded: beyond `max_tracked` keys
// the least recently failed one is forgotten, and a key is dropped once its failures no longer
// count and its lockout is over, so that a burst of failures leaves nothing behind.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sr::auth {

struct FailurePolicy {
  std::uint32_t free_failures = 5;             // failures allowed before the first lockout
  std::int64_t base_lockout_ms = 30'000;       // first lockout; doubles after each failure
  std::int64_t max_lockout_ms = 15 * 60'000;   // cap of the doubling
  std::int64_t forget_after_ms = 60 * 60'000;  // failures older than this no longer count
  std::size_t max_tracked = 10'000;            // keys remembered at most
};

class FailureLimiter {
 public:
  explicit FailureLimiter(FailurePolicy policy);

  // Milliseconds until `key` may try again, or nullopt if it may try now.
  std::optional<std::int64_t> LockedForMs(std::string_view key, std::int64_t now_ms);
  // Records a failure; returns the lockout it starts (0 if none).
  std::int64_t RecordFailure(std::string_view key, std::int64_t now_ms);
  // The key's failures that still count (0 once forget_after has passed since the last one).
  std::uint32_t Failures(std::string_view key, std::int64_t now_ms) const;
  // Forgets the key's failures (after a success).
  void Reset(std::string_view key);

  // Keys with a failure on record; read without the lock, so that the guard's usual check
  // (nobody failing) costs no contention between the I/O threads.
  std::size_t tracked() const { return tracked_.load(std::memory_order_acquire); }
  bool empty() const { return tracked() == 0; }
  const FailurePolicy& policy() const { return policy_; }

 private:
  struct Entry {
    std::uint32_t failures = 0;
    std::int64_t last_failure_ms = 0;
    std::int64_t locked_until_ms = 0;
    std::list<std::string>::iterator recency;
  };

  std::int64_t LockoutFor(std::uint32_t failures) const;
  // Drops the least recently failed keys whose failures are forgotten and whose lockout is
  // over; stops at the first that still counts. Called with the lock held.
  void ForgetExpired(std::int64_t now_ms);

  FailurePolicy policy_;
  mutable std::mutex mutex_;
  std::list<std::string> recency_;  // least recently failed first
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<std::size_t> tracked_{0};  // entries_.size(), published after each change
};

}  // namespace sr::auth
