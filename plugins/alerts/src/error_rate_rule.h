// "http_error_rate_high": the share of responses counted as errors, over a sliding window,
// above a threshold.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include "alert.h"
#include "observation.h"

namespace sr::alerts {

struct ErrorRateOptions {
  std::uint32_t max_percent = 5;     // fires above this share of requests
  std::uint64_t min_requests = 100;  // fewer requests in the window: no verdict, resolved
  std::chrono::milliseconds window{std::chrono::minutes(5)};
  int min_status = 500;  // which responses count (for the summary)
};

// Fed the host's cumulative counters at each evaluation; compares the latest with the oldest
// sample still covering the window. A window with fewer than min_requests resolves: there is
// no evidence of a high error rate (and an idle host must not keep an alert firing).
class ErrorRateRule {
 public:
  explicit ErrorRateRule(ErrorRateOptions options) : options_(options) {}
  Signals Evaluate(const Traffic& traffic, std::int64_t now_ms);

 private:
  struct Sample {
    std::int64_t time_ms;
    Traffic traffic;
  };
  ErrorRateOptions options_;
  std::deque<Sample> samples_;
};

}  // namespace sr::alerts
