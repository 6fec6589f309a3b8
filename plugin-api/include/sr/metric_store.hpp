// The metrics of ABI 1.3 (metric_register, metric_series, metric_add/set/observe,
// metrics_render), shared by the host (host/src/metrics) and sr::testing::FakeHost: the naming
// rules, the lock-free series, and the Prometheus text format 0.0.4. Each side only adapts
// the C handles to these objects, so both render the same text for the same updates.
// Header-only C++17: the standard library and sr/abi.h.
#ifndef SR_METRIC_STORE_HPP
#define SR_METRIC_STORE_HPP

#include <sr/abi.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::metrics {

enum class Kind { kCounter = 0, kGauge = 1, kHistogram = 2 };

constexpr std::size_t kMaxLabels = 16;
constexpr std::size_t kMaxBuckets = 64;
constexpr std::size_t kMaxSeriesPerFamily = 10000;

// For durations in seconds: 5 ms .. 10 s, as the Prometheus client libraries default to.
inline const std::vector<double>& DefaultBuckets() {
  static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,    2.5,   5,    10};
  return buckets;
}

inline bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline bool IsLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A metric to register, as the C spec carries it.
struct Spec {
  Kind kind = Kind::kCounter;
  std::string name;
  std::string help;
  std::vector<std::string> labels;
  std::vector<double> buckets;
};

// Why a spec is refused; empty when it is fine. Fills a histogram's default buckets.
inline std::string Check(Spec& spec) {
  if (!IsMetricName(spec.name)) return "metric name '" + spec.name + "' is not a Prometheus name";
  if (spec.kind == Kind::kCounter && !EndsWith(spec.name, "_total")) {
    return "counter '" + spec.name + "' must end in _total";
  }
  if (spec.kind != Kind::kCounter && EndsWith(spec.name, "_total")) {
    return "only counters end in _total ('" + spec.name + "')";
  }
  if (spec.labels.size() > kMaxLabels) return "more than 16 labels on '" + spec.name + "'";
  for (std::size_t i = 0; i < spec.labels.size(); ++i) {
    const std::string& label = spec.labels[i];
    if (!IsLabelName(label)) return "label name '" + label + "' is not a Prometheus name";
    if (label == "le" && spec.kind == Kind::kHistogram) return "label 'le' is the histogram's";
    if (std::find(spec.labels.begin(), spec.labels.begin() + static_cast<std::ptrdiff_t>(i),
                  label) != spec.labels.begin() + static_cast<std::ptrdiff_t>(i)) {
      return "label '" + label + "' is given twice";
    }
  }
  if (spec.kind != Kind::kHistogram) {
    if (!spec.buckets.empty()) return "only histograms have buckets";
    return "";
  }
  if (spec.buckets.empty()) spec.buckets = DefaultBuckets();
  if (spec.buckets.size() > kMaxBuckets) return "more than 64 buckets";
  for (std::size_t i = 0; i < spec.buckets.size(); ++i) {
    if (!std::isfinite(spec.buckets[i])) return "bucket bounds must be finite";
    if (i > 0 && !(spec.buckets[i] > spec.buckets[i - 1])) {
      return "bucket bounds must increase";
    }
  }
  return "";
}

// Adds to an atomic double without a lock (a compare-and-swap loop; C++17 has no fetch_add
// for floating point).
inline void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

// A number as the text format writes it: the shortest decimal that reads back the same,
// without an exponent between 1e-4 and 1e15 (le="0.0005", as other exporters write it), and
// +Inf, -Inf, NaN.
inline void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[64];
    double magnitude = std::fabs(value);
    bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
    auto result =
        plain ? std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed)
              : std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, result.ptr);
  }
}

// Label values escape backslash, double quote and line feed; HELP text backslash and line feed.
inline void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

class Family;

// One labelled series. Updates are relaxed atomics: a scrape sees each value as it was at
// some moment during the render, which is all the text format promises.
class Series {
 public:
  Series(const Family& family, std::vector<std::string> values);

  void Add(double delta);
  void Set(double value);
  void Observe(double value);

  double value() const { return value_.load(std::memory_order_relaxed); }
  const std::vector<std::string>& label_values() const { return values_; }
  // Histogram: observations per bucket (not cumulative), the last one for +Inf.
  std::uint64_t bucket(std::size_t index) const {
    return buckets_[index].load(std::memory_order_relaxed);
  }

 private:
  const Family& family_;
  std::vector<std::string> values_;
  std::atomic<double> value_{0};  // counter, gauge; a histogram's sum
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
};

// A registered metric and its series. Series are created under the lock and never move or
// go away, so a handle stays valid as long as the family.
class Family {
 public:
  Family(Spec spec, std::string owner) : spec_(std::move(spec)), owner_(std::move(owner)) {}

  const Spec& spec() const { return spec_; }
  const std::string& owner() const { return owner_; }

  // Null when the family holds kMaxSeriesPerFamily series already (or on a count mismatch).
  Series* Get(const std::vector<std::string_view>& values) {
    if (values.size() != spec_.labels.size()) return nullptr;
    std::vector<std::string> key(values.begin(), values.end());
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) return it->second.get();
    if (series_.size() >= kMaxSeriesPerFamily) return nullptr;
    auto created = std::make_unique<Series>(*this, key);
    Series* raw = created.get();
    series_.emplace(std::move(key), std::move(created));
    return raw;
  }

  // Appends the family in the text format; nothing when it has no series yet.
  void Render(std::string& out) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (series_.empty()) return;
    out += "# HELP ";
    out += spec_.name;
    out += ' ';
    AppendEscaped(out, spec_.help, false);
    out += "\n# TYPE ";
    out += spec_.name;
    out += spec_.kind == Kind::kCounter ? " counter\n"
           : spec_.kind == Kind::kGauge ? " gauge\n"
                                        : " histogram\n";
    for (const auto& [values, series] : series_) {
      if (spec_.kind != Kind::kHistogram) {
        AppendSample(out, "", values, nullptr, series->value());
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= spec_.buckets.size(); ++i) {
        cumulative += series->bucket(i);
        double bound = i < spec_.buckets.size() ? spec_.buckets[i] : INFINITY;
        AppendSample(out, "_bucket", values, &bound, static_cast<double>(cumulative));
      }
      AppendSample(out, "_sum", values, nullptr, series->value());
      AppendSample(out, "_count", values, nullptr, static_cast<double>(cumulative));
    }
  }

 private:
  void AppendSample(std::string& out, std::string_view suffix,
                    const std::vector<std::string>& values, const double* le, double value) const {
    out += spec_.name;
    out += suffix;
    if (!values.empty() || le != nullptr) {
      out += '{';
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        out += spec_.labels[i];
        out += "=\"";
        AppendEscaped(out, values[i], true);
        out += '"';
      }
      if (le != nullptr) {
        if (!values.empty()) out += ',';
        out += "le=\"";
        AppendNumber(out, *le);
        out += '"';
      }
      out += '}';
    }
    out += ' ';
    AppendNumber(out, value);
    out += '\n';
  }

  Spec spec_;
  std::string owner_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

inline Series::Series(const Family& family, std::vector<std::string> values)
    : family_(family), values_(std::move(values)) {
  if (family_.spec().kind == Kind::kHistogram) {
    std::size_t count = family_.spec().buckets.size() + 1;
    buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(count);
    for (std::size_t i = 0; i < count; ++i) buckets_[i].store(0, std::memory_order_relaxed);
  }
}

inline void Series::Add(double delta) {
  Kind kind = family_.spec().kind;
  if (std::isnan(delta) || kind == Kind::kHistogram) return;
  if (kind == Kind::kCounter && delta < 0) return;
  AtomicAdd(value_, delta);
}

inline void Series::Set(double value) {
  if (family_.spec().kind != Kind::kGauge || std::isnan(value)) return;
  value_.store(value, std::memory_order_relaxed);
}

inline void Series::Observe(double value) {
  if (family_.spec().kind != Kind::kHistogram || std::isnan(value)) return;
  const std::vector<double>& bounds = family_.spec().buckets;
  // Bucket i counts value <= bounds[i]; past the last bound, the +Inf bucket.
  auto index = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) -
                                        bounds.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(value_, value);
}

// Every family of one host, and the collectors run before each render.
class Store {
 public:
  enum class Result { kOk, kInvalid, kExists };

  // Registers `spec` (checked first; `problem` says why not).
  Result Register(Spec spec, const std::string& owner, Family** out, std::string& problem) {
    problem = Check(spec);
    if (!problem.empty()) return Result::kInvalid;
    std::lock_guard<std::mutex> lock(mutex_);
    if (families_.count(spec.name) != 0) {
      problem =
          "metric '" + spec.name + "' is already registered by " + families_.at(spec.name)->owner();
      return Result::kExists;
    }
    std::string name = spec.name;
    auto family = std::make_unique<Family>(std::move(spec), owner);
    *out = family.get();
    families_.emplace(std::move(name), std::move(family));
    return Result::kOk;
  }

  void AddCollector(std::string owner, std::function<void()> fn) {
    std::lock_guard<std::mutex> render(render_mutex_);
    collectors_.push_back(Collector{std::move(owner), std::move(fn)});
  }
  // Waits for a render in progress, so that none of the owner's collectors runs afterwards.
  void RemoveCollectors(const std::string& owner) {
    std::lock_guard<std::mutex> render(render_mutex_);
    collectors_.erase(std::remove_if(collectors_.begin(), collectors_.end(),
                                     [&](const Collector& c) { return c.owner == owner; }),
                      collectors_.end());
  }

  // Runs the collectors, then renders every family by name. One render at a time.
  std::string Render() {
    std::lock_guard<std::mutex> render(render_mutex_);
    for (const Collector& collector : collectors_) collector.fn();
    std::vector<const Family*> families;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [name, family] : families_) families.push_back(family.get());
    }
    std::string out;
    for (const Family* family : families) family->Render(out);
    return out;
  }

 private:
  struct Collector {
    std::string owner;
    std::function<void()> fn;
  };

  std::mutex render_mutex_;  // one render at a time; guards collectors_
  std::vector<Collector> collectors_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// ---- the C entries of ABI 1.3, as both hosts implement them --------------------------------

inline Family* FamilyOf(sr_metric_family* handle) { return reinterpret_cast<Family*>(handle); }
inline Series* SeriesOf(sr_metric* handle) { return reinterpret_cast<Series*>(handle); }

// metric_register: copies the spec (min(struct_size, sizeof) bytes, as for every struct) and
// registers it for `owner`. `problem` says why a spec was refused.
inline sr_status RegisterFromC(Store& store, const std::string& owner, const sr_metric_spec* in,
                               sr_metric_family** out, std::string& problem) {
  if (in == nullptr || out == nullptr || in->struct_size < offsetof(sr_metric_spec, buckets)) {
    problem = "metric_register needs a spec and an out handle";
    return SR_ERR_INVALID_ARGUMENT;
  }
  sr_metric_spec c{};
  std::memcpy(&c, in, std::min<std::size_t>(in->struct_size, sizeof(c)));
  if (c.type > SR_METRIC_HISTOGRAM || (c.label_count > 0 && c.label_names == nullptr) ||
      (c.bucket_count > 0 && c.buckets == nullptr) || c.label_count > kMaxLabels ||
      c.bucket_count > kMaxBuckets) {
    problem = "metric_register: a malformed spec (type, labels or buckets)";
    return SR_ERR_INVALID_ARGUMENT;
  }
  auto text = [](sr_str s) {
    return s.data == nullptr ? std::string() : std::string(s.data, s.size);
  };
  Spec spec;
  spec.kind = static_cast<Kind>(c.type);
  spec.name = text(c.name);
  spec.help = text(c.help);
  for (std::size_t i = 0; i < c.label_count; ++i) spec.labels.push_back(text(c.label_names[i]));
  spec.buckets.assign(c.buckets, c.buckets + c.bucket_count);
  Family* family = nullptr;
  switch (store.Register(std::move(spec), owner, &family, problem)) {
    case Store::Result::kOk:
      *out = reinterpret_cast<sr_metric_family*>(family);
      return SR_OK;
    case Store::Result::kExists:
      return SR_ERR_ALREADY_EXISTS;
    case Store::Result::kInvalid:
      break;
  }
  return SR_ERR_INVALID_ARGUMENT;
}

// metric_series.
inline sr_status SeriesFromC(sr_metric_family* handle, const sr_str* values, std::size_t count,
                             sr_metric** out) {
  if (handle == nullptr || out == nullptr || (count > 0 && values == nullptr)) {
    return SR_ERR_INVALID_ARGUMENT;
  }
  Family& family = *FamilyOf(handle);
  if (count != family.spec().labels.size()) return SR_ERR_INVALID_ARGUMENT;
  std::vector<std::string_view> views;
  views.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    views.emplace_back(values[i].data == nullptr
                           ? std::string_view()
                           : std::string_view(values[i].data, values[i].size));
  }
  Series* series = family.Get(views);
  if (series == nullptr) return SR_ERR_TOO_LARGE;
  *out = reinterpret_cast<sr_metric*>(series);
  return SR_OK;
}

// metrics_render: the whole text in one piece.
inline sr_status RenderToC(Store& store, sr_text_fn fn, void* ctx) {
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  std::string text = store.Render();
  fn(ctx, sr_str{text.data(), text.size()});
  return SR_OK;
}

}  // namespace sr::metrics

#endif  // SR_METRIC_STORE_HPP
