// Pacing of one webhook: a token bucket, and the delay before each retry.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace sr::alerts {

// At most `burst` messages at once, then one per `per / burst`.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(std::uint32_t burst, std::chrono::milliseconds per, Clock::time_point now)
      : burst_(std::max<std::uint32_t>(burst, 1)),
        interval_(std::max<std::chrono::nanoseconds>(per / burst_, std::chrono::nanoseconds(1))),
        tokens_(burst_),
        updated_(now) {}

  // Takes a token, or says how long until one is there (and takes nothing).
  std::chrono::nanoseconds Take(Clock::time_point now) {
    Refill(now);
    if (tokens_ > 0) {
      --tokens_;
      return std::chrono::nanoseconds(0);
    }
    return updated_ + interval_ - now;
  }

 private:
  void Refill(Clock::time_point now) {
    if (tokens_ >= burst_) {
      updated_ = now;
      return;
    }
    auto gained = static_cast<std::int64_t>((now - updated_) / interval_);
    if (gained <= 0) return;
    tokens_ = static_cast<std::uint32_t>(
        std::min<std::int64_t>(burst_, static_cast<std::int64_t>(tokens_) + gained));
    updated_ = tokens_ >= burst_ ? now : updated_ + interval_ * gained;
  }

  std::uint32_t burst_;
  std::chrono::nanoseconds interval_;
  std::uint32_t tokens_;
  Clock::time_point updated_;
};

// initial, 2×initial, 4×initial… capped at `max`; `attempt` counts from 1 (the first retry).
inline std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds initial,
                                              std::chrono::milliseconds max) {
  std::chrono::milliseconds delay = initial;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

}  // namespace sr::alerts
