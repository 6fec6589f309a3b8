#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <sr/metric_store.hpp>

namespace sr::host {

// The host's own request metrics, labelled by route PATTERN (never the raw path, so the
// number of series stays bounded by the route table):
//   spawner_registry_http_requests_total{route,method,status}
//   spawner_registry_http_request_duration_seconds{route} (histogram)
// Requests that match no route (404, 405, malformed heads) carry route="unmatched".
class HttpMetrics {
 public:
  // What one route keeps: its duration series and a small lock-free table from
  // (method, status) to the counter series, so that a request after the first of its kind
  // costs a few atomic operations, with no lock and no allocation.
  class RouteSlot {
   public:
    RouteSlot(HttpMetrics& owner, std::string route);
    // `seconds` < 0: count the request without a duration.
    void Record(std::string_view method, int status, double seconds);

   private:
    static constexpr std::size_t kSlots = 32;
    sr::metrics::Series* Counter(std::uint32_t key, std::size_t method, int status);

    HttpMetrics& owner_;
    std::string route_;
    std::atomic<sr::metrics::Series*> duration_{nullptr};    // created by the first request
    std::array<std::atomic<std::uint32_t>, kSlots> keys_{};  // 0: empty
    std::array<std::atomic<sr::metrics::Series*>, kSlots> counters_{};
  };

  explicit HttpMetrics(sr::metrics::Store& store);

  std::shared_ptr<RouteSlot> ForRoute(const std::string& pattern) {
    return std::make_shared<RouteSlot>(*this, pattern);
  }
  RouteSlot& unmatched() { return *unmatched_; }

 private:
  sr::metrics::Family* requests_ = nullptr;
  sr::metrics::Family* durations_ = nullptr;
  std::shared_ptr<RouteSlot> unmatched_;
};

}  // namespace sr::host
