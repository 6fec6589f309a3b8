// Prometheus metrics for C++ plugins (ABI 1.3), over metric_register and friends.
//
//   sr::CounterFamily requests = sr::Counters(host, "my_plugin_requests_total", "Requests.",
//                                             {"kind"});
//   sr::Counter lookups = requests.With({"lookup"});  // take the handle once...
//   lookups.Inc();                                     // ...update it from any thread
//   sr::Histogram latency = sr::Histograms(host, "my_plugin_seconds", "Latency.").With({});
//   latency.Observe(0.004);
//   sr::OnCollect(host, [&] { clients.Set(CountClients()); });  // before every scrape
//
// A series handle is a pointer: copying it is free, an update is a few atomic instructions
// with no lock and no allocation. On a host older than 1.3 (no metric calls in its table)
// every family and series is inert: updates do nothing and RenderMetrics returns "", so a
// plugin that only reports metrics runs unchanged on older hosts. Registration failures (a
// bad name, a name taken) throw sr::Error like every other SDK call.
#ifndef SR_METRICS_HPP
#define SR_METRICS_HPP

#include <sr/plugin.hpp>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sr {

namespace detail {

inline bool HasMetrics(const sr_host_api* api) { return SR_HOST_API_HAS(api, metrics_render); }

// A series of any kind: the handle and the table that updates it (null when inert).
class SeriesHandle {
 public:
  SeriesHandle() = default;
  SeriesHandle(const sr_host_api* api, sr_metric* raw) : api_(api), raw_(raw) {}
  bool active() const { return raw_ != nullptr; }
  sr_metric* raw() const { return raw_; }

 protected:
  const sr_host_api* api_ = nullptr;
  sr_metric* raw_ = nullptr;
};

}  // namespace detail

class Counter : public detail::SeriesHandle {
 public:
  using SeriesHandle::SeriesHandle;
  static constexpr std::uint32_t kType = SR_METRIC_COUNTER;
  void Inc(double delta = 1) const {
    if (raw_ != nullptr) api_->metric_add(raw_, delta);
  }
};

class Gauge : public detail::SeriesHandle {
 public:
  using SeriesHandle::SeriesHandle;
  static constexpr std::uint32_t kType = SR_METRIC_GAUGE;
  void Set(double value) const {
    if (raw_ != nullptr) api_->metric_set(raw_, value);
  }
  void Add(double delta) const {
    if (raw_ != nullptr) api_->metric_add(raw_, delta);
  }
  void Inc() const { Add(1); }
  void Dec() const { Add(-1); }
};

class Histogram : public detail::SeriesHandle {
 public:
  using SeriesHandle::SeriesHandle;
  static constexpr std::uint32_t kType = SR_METRIC_HISTOGRAM;
  void Observe(double value) const {
    if (raw_ != nullptr) api_->metric_observe(raw_, value);
  }
};

// A registered metric: hands out one series per label set. With() takes the family's lock
// (and allocates the first time): call it once per label set and keep the handle.
template <typename SeriesT>
class Family {
 public:
  Family() = default;
  Family(const sr_host_api* api, sr_metric_family* raw) : api_(api), raw_(raw) {}

  // The values in the order of the label names given at registration.
  SeriesT With(std::initializer_list<std::string_view> values) const {
    return With(std::vector<std::string_view>(values));
  }
  SeriesT With(const std::vector<std::string_view>& values) const {
    if (raw_ == nullptr) return SeriesT();
    std::vector<sr_str> views;
    views.reserve(values.size());
    for (std::string_view value : values) views.push_back(ToStr(value));
    sr_metric* series = nullptr;
    detail::ThrowIfFailed(api_->metric_series(raw_, views.data(), views.size(), &series),
                          "cannot create a metric series");
    return SeriesT(api_, series);
  }
  bool active() const { return raw_ != nullptr; }

 private:
  const sr_host_api* api_ = nullptr;
  sr_metric_family* raw_ = nullptr;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Registers a metric of SeriesT's kind (see sr_metric_spec in abi.h for the naming rules).
template <typename SeriesT>
Family<SeriesT> RegisterMetric(Host& host, std::string_view name, std::string_view help,
                               const std::vector<std::string>& labels = {},
                               const std::vector<double>& buckets = {}) {
  if (!detail::HasMetrics(host.api())) return Family<SeriesT>();
  std::vector<sr_str> label_views;
  for (const std::string& label : labels) label_views.push_back(ToStr(label));
  sr_metric_spec spec{};
  spec.struct_size = sizeof(spec);
  spec.type = SeriesT::kType;
  spec.name = ToStr(name);
  spec.help = ToStr(help);
  spec.label_names = label_views.data();
  spec.label_count = label_views.size();
  spec.buckets = buckets.data();
  spec.bucket_count = buckets.size();
  sr_metric_family* family = nullptr;
  detail::ThrowIfFailed(host.api()->metric_register(host.raw(), &spec, &family),
                        "cannot register metric " + std::string(name));
  return Family<SeriesT>(host.api(), family);
}

inline CounterFamily Counters(Host& host, std::string_view name, std::string_view help,
                              const std::vector<std::string>& labels = {}) {
  return RegisterMetric<Counter>(host, name, help, labels);
}
inline GaugeFamily Gauges(Host& host, std::string_view name, std::string_view help,
                          const std::vector<std::string>& labels = {}) {
  return RegisterMetric<Gauge>(host, name, help, labels);
}
// `buckets`: increasing upper bounds; empty for the default (5 ms .. 10 s).
inline HistogramFamily Histograms(Host& host, std::string_view name, std::string_view help,
                                  const std::vector<std::string>& labels = {},
                                  const std::vector<double>& buckets = {}) {
  return RegisterMetric<Histogram>(host, name, help, labels, buckets);
}

// Runs `fn` before every render (during Init only; see metric_collector_add). The Host keeps
// the closure; collectors stop being called before the plugin's Stop.
inline void OnCollect(Host& host, std::function<void()> fn) {
  if (!detail::HasMetrics(host.api())) return;
  std::function<void()>* kept = host.KeepCallback(std::move(fn));
  detail::ThrowIfFailed(host.api()->metric_collector_add(
                            host.raw(),
                            [](void* ctx) noexcept {
                              try {
                                (*static_cast<std::function<void()>*>(ctx))();
                              } catch (...) {
                                // A collector that fails leaves its gauges as they were.
                              }
                            },
                            kept),
                        "cannot add a metrics collector");
}

// Every metric of the host and its plugins in the Prometheus text format 0.0.4 ("" on a host
// older than 1.3).
inline std::string RenderMetrics(Host& host) {
  std::string text;
  if (!detail::HasMetrics(host.api())) return text;
  detail::ThrowIfFailed(host.api()->metrics_render(
                            host.raw(),
                            [](void* ctx, sr_str piece) noexcept -> int32_t {
                              try {
                                static_cast<std::string*>(ctx)->append(View(piece));
                                return 1;
                              } catch (...) {
                                return 0;
                              }
                            },
                            &text),
                        "cannot render the metrics");
  return text;
}

}  // namespace sr

#endif  // SR_METRICS_HPP
