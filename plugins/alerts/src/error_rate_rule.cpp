#include "error_rate_rule.h"

#include "json_object.h"
#include "text_format.h"

namespace sr::alerts {

namespace {

std::string WindowText(std::chrono::milliseconds window) {
  auto ms = window.count();
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

Signals ErrorRateRule::Evaluate(const Traffic& traffic, std::int64_t now_ms) {
  // Keep the newest sample at or before the window's start as the baseline.
  samples_.push_back(Sample{now_ms, traffic});
  while (samples_.size() > 2 && samples_[1].time_ms <= now_ms - options_.window.count()) {
    samples_.pop_front();
  }
  const Sample& base = samples_.front();
  // Counters only grow; a smaller value means they were reset: start over from here.
  if (traffic.requests < base.traffic.requests || traffic.errors < base.traffic.errors) {
    samples_.erase(samples_.begin(), samples_.end() - 1);
    return {};
  }
  std::uint64_t requests = traffic.requests - base.traffic.requests;
  std::uint64_t errors = traffic.errors - base.traffic.errors;
  if (errors > requests) errors = requests;

  Signal signal;
  signal.key = signal.name = "http_error_rate_high";
  signal.severity = Severity::kWarning;
  signal.details = JsonObject()
                       .Uint("requests", requests)
                       .Uint("errors", errors)
                       .Uint("max_percent", options_.max_percent)
                       .Uint("min_requests", options_.min_requests)
                       .Int("min_status", options_.min_status)
                       .Str("window", WindowText(options_.window))
                       .Done();
  bool high = requests >= options_.min_requests &&
              errors * 100 > static_cast<std::uint64_t>(options_.max_percent) * requests;
  std::string over = " over the last " + WindowText(options_.window) + " (" +
                     std::to_string(errors) + " of " + std::to_string(requests) +
                     " requests answered " + std::to_string(options_.min_status) + " or above)";
  if (high) {
    signal.kind = Signal::Kind::kFire;
    signal.summary = "HTTP error rate " + FormatPercent(errors, requests) + over + ", above " +
                     std::to_string(options_.max_percent) + "%";
  } else {
    signal.kind = Signal::Kind::kResolve;
    signal.summary = "HTTP error rate back to " + FormatPercent(errors, requests) + over;
  }
  return {std::move(signal)};
}

}  // namespace sr::alerts
