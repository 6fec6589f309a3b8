// sr::ReadBudget: how many store reads a plugin may make, per second, for keys that a client
// named and memory does not hold (cluster read-throughs of an id, a token, a cookie). It pairs
// with sr::NegativeCache: the cache spares the store a repeated unknown key, the budget bounds
// a flood of distinct ones, which the cache cannot (each key is new). Past the budget the
// caller answers from memory, as when the database is away, so neither the database nor the
// I/O threads that would wait on it pay for the flood. Header-only C++17, independent of the
// ABI.
//
//   sr::ReadBudget reads(100, 200);                 // 100 a second, bursts of 200
//   if (misses.Absent(key, now_ms)) return nullopt;
//   if (!reads.Take(now_ms)) return nullopt;        // spent: answer from memory
//   auto value = store.Get(key);
//
// The cost: while a flood spends the budget, a key made on another master a moment ago (before
// its change reached this one, about a second) is not found here until the change arrives.
//
// A token bucket: it starts full, refills at `per_second` and holds at most `burst`. Times are
// the caller's clock in milliseconds, passed in; a clock that steps back adds nothing. A
// `per_second` of 0 means no limit. THREAD: every function may be called from any thread.
#ifndef SR_READ_BUDGET_HPP
#define SR_READ_BUDGET_HPP

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace sr {

class ReadBudget {
 public:
  ReadBudget(std::uint32_t per_second, std::uint32_t burst)
      : per_second_(per_second),
        capacity_milli_(static_cast<std::int64_t>(std::max<std::uint32_t>(burst, 1)) * 1000),
        tokens_milli_(capacity_milli_) {}
  ReadBudget(const ReadBudget&) = delete;
  ReadBudget& operator=(const ReadBudget&) = delete;

  // Takes one read from the budget; false when it is spent.
  bool Take(std::int64_t now_ms) {
    if (per_second_ == 0) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    Refill(now_ms);
    if (tokens_milli_ < 1000) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    tokens_milli_ -= 1000;
    return true;
  }

  // Reads refused since construction (for a metric).
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

  // The refusals since the last report, once `interval_ms` has passed since it (the first at
  // once); 0 otherwise. Lets a caller log a flood once in a while instead of once a request.
  std::uint64_t RefusalsToReport(std::int64_t now_ms, std::int64_t interval_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t refused = refused_.load(std::memory_order_relaxed);
    if (refused == reported_) return 0;
    if (reported_once_ && now_ms >= last_report_ms_ && now_ms - last_report_ms_ < interval_ms) {
      return 0;
    }
    const std::uint64_t unreported = refused - reported_;
    reported_ = refused;
    reported_once_ = true;
    last_report_ms_ = now_ms;
    return unreported;
  }

 private:
  void Refill(std::int64_t now_ms) {
    if (!started_ || now_ms < last_ms_) {
      started_ = true;
      last_ms_ = now_ms;
      return;
    }
    // Beyond a full refill the elapsed time adds nothing: capping it keeps the product small.
    const std::int64_t full_ms = capacity_milli_ / per_second_ + 1;
    const std::int64_t elapsed_ms = std::min(now_ms - last_ms_, full_ms);
    // per_second_ tokens a second are per_second_ thousandths of a token a millisecond.
    tokens_milli_ = std::min(capacity_milli_, tokens_milli_ + elapsed_ms * per_second_);
    last_ms_ = now_ms;
  }

  const std::uint32_t per_second_;
  const std::int64_t capacity_milli_;
  std::mutex mutex_;
  std::int64_t tokens_milli_;  // thousandths of a read
  std::int64_t last_ms_ = 0;
  bool started_ = false;
  std::atomic<std::uint64_t> refused_{0};
  std::uint64_t reported_ = 0;
  std::int64_t last_report_ms_ = 0;
  bool reported_once_ = false;
};

}  // namespace sr

#endif  // SR_READ_BUDGET_HPP
