#include "fleet_probe.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <sr/plugin.hpp>
#include <sr/rfc3339.hpp>

namespace sr::alerts {

namespace {

// The error log keeps server.error_log_capacity entries (1,000 by default); a read takes what
// is there.
constexpr std::size_t kErrorLogReadLimit = 1000000;

}  // namespace

FleetProbe::FleetProbe(sr::Host& host, const sr_spawner_directory_v2* directory,
                       const sr_kv_store_v1* store, std::string disk_path, const RuleOptions& rules)
    : host_(host),
      directory_(directory),
      store_(rules.store ? store : nullptr),
      disk_path_(rules.disk ? std::move(disk_path) : std::string()),
      suspect_(rules.suspect),
      capacity_(rules.capacity.min_free > 0 || !rules.capacity.per_region.empty()) {
  if (rules.errors) min_status_ = rules.errors->min_status;
}

Observation FleetProbe::Observe(std::int64_t now_ms) {
  Observation observation;
  observation.now_ms = now_ms;
  observation.suspect = Suspect();
  observation.regions = Regions();
  observation.traffic = ReadTraffic();
  observation.disk = Disk();
  observation.store = Store();
  return observation;
}

// Collects what a service's visit hands over, turning each C record into a value with
// `convert` (which returns nullopt to skip one). Nothing may be thrown through the provider's
// frames: a failure stops the visit and is reported instead.
template <typename Record, typename Value>
class Collector {
 public:
  using Convert = std::optional<Value> (*)(const Record&);
  explicit Collector(Convert convert) : convert_(convert) {}

  static int32_t Add(void* ctx, const Record* record) noexcept {
    auto& self = *static_cast<Collector*>(ctx);
    try {
      if (auto value = self.convert_(*record)) self.values_.push_back(std::move(*value));
      return 1;
    } catch (...) {
      self.failed_ = true;
      return 0;
    }
  }
  std::optional<std::vector<Value>> Result(sr_status status) {
    if (status != SR_OK || failed_) return std::nullopt;
    return std::move(values_);
  }

 private:
  Convert convert_;
  std::vector<Value> values_;
  bool failed_ = false;
};

std::optional<std::vector<SpawnerInfo>> FleetProbe::Suspect() {
  if (directory_ == nullptr || !suspect_) return std::nullopt;
  sr_spawner_totals totals{};
  totals.struct_size = sizeof(totals);
  if (directory_->totals(directory_->self, &totals) != SR_OK) return std::nullopt;
  if (totals.suspect == 0) return std::vector<SpawnerInfo>();  // the usual case: no visit
  Collector<sr_spawner_record, SpawnerInfo> collector(
      [](const sr_spawner_record& r) -> std::optional<SpawnerInfo> {
        if (r.suspect == 0) return std::nullopt;
        return SpawnerInfo{r.id, std::string(sr::View(r.region)), std::string(sr::View(r.host)),
                           r.port, sr::Rfc3339Millis(r.last_seen_ms)};
      });
  return collector.Result(
      directory_->visit(directory_->self, &decltype(collector)::Add, &collector));
}

std::optional<std::vector<RegionCapacity>> FleetProbe::Regions() {
  if (directory_ == nullptr || !capacity_) return std::nullopt;
  Collector<sr_spawner_region_totals, RegionCapacity> collector(
      [](const sr_spawner_region_totals& t) -> std::optional<RegionCapacity> {
        return RegionCapacity{std::string(sr::View(t.region)), t.spawners, t.suspect,
                              t.current_instances, t.max_instances};
      });
  return collector.Result(
      directory_->region_totals(directory_->self, &decltype(collector)::Add, &collector));
}

std::optional<Traffic> FleetProbe::ReadTraffic() {
  if (!min_status_) return std::nullopt;
  sr_host_stats stats = host_.Stats();
  if (*min_status_ <= 400) return Traffic{stats.total_requests, stats.total_errors};
  // Only some errors count (5xx by default): classify the error log's new entries. Entries
  // the bounded log dropped before this read are counted in the proportion of those read.
  std::vector<sr::ErrorEntry> entries = host_.Errors(last_sequence_, kErrorLogReadLimit, false);
  std::uint64_t expected = last_sequence_ + 1;
  std::uint64_t missed = 0;
  std::uint64_t matched = 0;
  for (const sr::ErrorEntry& entry : entries) {
    if (entry.sequence > expected) missed += entry.sequence - expected;
    expected = entry.sequence + 1;
    if (entry.status >= *min_status_) ++matched;
  }
  if (!entries.empty()) {
    last_sequence_ = entries.back().sequence;
    matched += missed * matched / entries.size();
  }
  counted_errors_ += matched;
  return Traffic{stats.total_requests, counted_errors_};
}

std::optional<DiskSpace> FleetProbe::Disk() {
  if (disk_path_.empty()) return std::nullopt;
  struct statvfs space {};
  if (::statvfs(disk_path_.c_str(), &space) != 0) {
    if (!disk_failed_) {
      host_.Warn("cannot read the free space of " + disk_path_ + ": " + std::strerror(errno));
    }
    disk_failed_ = true;
    return std::nullopt;
  }
  disk_failed_ = false;
  DiskSpace disk;
  disk.path = disk_path_;
  disk.free_bytes = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
  disk.total_bytes = static_cast<std::uint64_t>(space.f_blocks) * space.f_frsize;
  return disk;
}

std::optional<StoreStatus> FleetProbe::Store() {
  if (store_ == nullptr ||
      store_->struct_size < offsetof(sr_kv_store_v1, last_error) + sizeof(store_->last_error)) {
    return std::nullopt;
  }
  StoreStatus status;
  status.healthy = store_->healthy(store_->self) != 0;
  if (!status.healthy) {
    char buffer[512] = {};
    store_->last_error(store_->self, buffer, sizeof(buffer));
    status.error = buffer;
  }
  return status;
}

}  // namespace sr::alerts
