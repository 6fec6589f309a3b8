// Waiting in tests for what another thread, process or master does in its own time.
#pragma once

#include <chrono>
#include <optional>
#include <thread>

namespace sr::test {

// Polls `condition` every 10 ms until it holds or `timeout` passes; returns how long it took.
// The clock is read before each poll, so a condition that holds only at the deadline still
// counts.
template <typename Condition>
std::optional<std::chrono::milliseconds> TimeUntil(Condition condition,
                                                   std::chrono::milliseconds timeout) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + timeout;
  while (true) {
    auto now = std::chrono::steady_clock::now();
    if (condition()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Whether `condition` holds within `timeout` (see TimeUntil).
template <typename Condition>
bool Eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  return TimeUntil(condition, timeout).has_value();
}

}  // namespace sr::test
