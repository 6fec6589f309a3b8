#include "metrics/http_metrics.h"

#include <stdexcept>

namespace sr::host {

namespace {

// The method label takes the methods routes may declare; anything else is "other", so that
// a client inventing methods cannot grow the series.
constexpr std::array<std::string_view, 8> kMethods = {"GET",   "HEAD",   "POST",    "PUT",
                                                      "PATCH", "DELETE", "OPTIONS", "other"};

std::size_t MethodIndex(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return kMethods.size() - 1;
}

sr::metrics::Family* Register(sr::metrics::Store& store, sr::metrics::Spec spec) {
  sr::metrics::Family* family = nullptr;
  std::string problem;
  if (store.Register(std::move(spec), "host", &family, problem) !=
      sr::metrics::Store::Result::kOk) {
    throw std::logic_error(problem);
  }
  return family;
}

}  // namespace

HttpMetrics::HttpMetrics(sr::metrics::Store& store) {
  requests_ = Register(store, {sr::metrics::Kind::kCounter,
                               "spawner_registry_http_requests_total",
                               "HTTP requests answered, by route pattern, method and status.",
                               {"route", "method", "status"},
                               {}});
  durations_ = Register(
      store, {sr::metrics::Kind::kHistogram,
              "spawner_registry_http_request_duration_seconds",
              "Time from a request's parsed head to its queued response (for "
              "an event stream, to its first line), by route pattern.",
              {"route"},
              {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}});
  unmatched_ = std::make_shared<RouteSlot>(*this, "unmatched");
}

HttpMetrics::RouteSlot::RouteSlot(HttpMetrics& owner, std::string route)
    : owner_(owner), route_(std::move(route)) {}

void HttpMetrics::RouteSlot::Record(std::string_view method, int status, double seconds) {
  std::size_t index = MethodIndex(method);
  if (status < 100 || status > 999) status = 999;
  auto key = static_cast<std::uint32_t>(status) * 8 + static_cast<std::uint32_t>(index) + 1;
  if (sr::metrics::Series* counter = Counter(key, index, status)) counter->Add(1);
  if (seconds < 0) return;
  sr::metrics::Series* duration = duration_.load(std::memory_order_acquire);
  if (duration == nullptr) {
    // Racing first requests get the same series from the family.
    duration = owner_.durations_->Get({route_});
    if (duration == nullptr) return;
    duration_.store(duration, std::memory_order_release);
  }
  duration->Observe(seconds);
}

sr::metrics::Series* HttpMetrics::RouteSlot::Counter(std::uint32_t key, std::size_t method,
                                                     int status) {
  std::size_t start = key % kSlots;
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    std::size_t i = (start + probe) % kSlots;
    std::uint32_t found = keys_[i].load(std::memory_order_acquire);
    if (found == key) {
      if (auto* series = counters_[i].load(std::memory_order_acquire)) return series;
      break;  // another thread is filling this slot: take the slow path once
    }
    if (found == 0) break;
  }
  // First request of this kind (or a full table): the family's locked lookup, then a slot.
  std::string status_text = std::to_string(status);
  sr::metrics::Series* series = owner_.requests_->Get({route_, kMethods[method], status_text});
  if (series == nullptr) return nullptr;
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    std::size_t i = (start + probe) % kSlots;
    std::uint32_t expected = 0;
    if (keys_[i].load(std::memory_order_acquire) == key) return series;
    if (keys_[i].compare_exchange_strong(expected, key, std::memory_order_acq_rel)) {
      counters_[i].store(series, std::memory_order_release);
      return series;
    }
  }
  return series;
}

}  // namespace sr::host
