// The wall clock in Unix milliseconds, the time base of every alert message.
#pragma once

#include <chrono>
#include <cstdint>

namespace sr::alerts {

inline std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sr::alerts
