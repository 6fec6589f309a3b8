#pragma once

#include <atomic>
#include <cstdint>

#include "util/time.h"

namespace sr::host {

// Request counters shared by every I/O thread. Relaxed atomics: these are statistics.
class HostStats {
 public:
  HostStats() : started_(SteadyClock::now()) {}

  void CountRequest() { requests_.fetch_add(1, std::memory_order_relaxed); }
  void CountError() { errors_.fetch_add(1, std::memory_order_relaxed); }
  void AddReceived(std::uint64_t bytes) { received_.fetch_add(bytes, std::memory_order_relaxed); }
  void AddSent(std::uint64_t bytes) { sent_.fetch_add(bytes, std::memory_order_relaxed); }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void StreamOpened() { streams_.fetch_add(1, std::memory_order_relaxed); }
  void StreamClosed() { streams_.fetch_sub(1, std::memory_order_relaxed); }
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  std::uint64_t uptime_ms() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started_)
            .count());
  }
  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  std::uint64_t received() const { return received_.load(std::memory_order_relaxed); }
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  std::int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  std::int64_t streams() const { return streams_.load(std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  SteadyClock::time_point started_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::int64_t> streams_{0};
  std::atomic<std::int64_t> in_flight_{0};
};

// Resident set size of this process, from /proc/self/statm.
std::uint64_t ProcessRssBytes();

}  // namespace sr::host
