// metrics: GET /metrics in the Prometheus text format 0.0.4, for an operator key (X-API-Key
// or Authorization: Bearer) or a signed-in dashboard user. What it serves is the host's
// rendering of every registered metric (ABI 1.3): the host's HTTP and process_* metrics,
// what each plugin registers, and the fleet gauges this plugin adds from the
// spawner-directory service at each scrape:
//   spawner_registry_spawners{region,health}           health: healthy | suspect
//   spawner_registry_instances{region}                 current_instances summed per region
//   spawner_registry_instance_capacity{region}         max_instances summed per region
// Config: none.
#include <sr/services/spawner_directory.h>
#include <sr/metrics.hpp>
#include <sr/plugin.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>

namespace {

constexpr const char* kGuard = "api-key:operator|session:viewer";
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// The fleet gauges, refreshed from the directory's per-region totals before each render. A
// region that lost its last spawner is reported at zero rather than left at its last value.
class FleetGauges {
 public:
  FleetGauges(sr::Host& host, const sr_spawner_directory_v2* directory)
      : directory_(directory),
        spawners_(sr::Gauges(host, "spawner_registry_spawners",
                             "Spawners registered now, by region and health (suspect: silent "
                             "for longer than suspect_after).",
                             {"region", "health"})),
        instances_(sr::Gauges(host, "spawner_registry_instances",
                              "Game server instances the spawners of a region report running.",
                              {"region"})),
        capacity_(sr::Gauges(host, "spawner_registry_instance_capacity",
                             "Instances the spawners of a region can run (max_instances).",
                             {"region"})) {}

  void Collect() {
    std::map<std::string, sr_spawner_region_totals> now;
    directory_->region_totals(
        directory_->self,
        [](void* ctx, const sr_spawner_region_totals* totals) noexcept -> int32_t {
          try {
            auto& out = *static_cast<std::map<std::string, sr_spawner_region_totals>*>(ctx);
            out[std::string(sr::View(totals->region))] = *totals;
            return 1;
          } catch (...) {
            return 0;
          }
        },
        &now);
    for (const std::string& region : seen_) {
      if (now.count(region) == 0) Set(region, sr_spawner_region_totals{});
    }
    for (const auto& [region, totals] : now) {
      seen_.insert(region);
      Set(region, totals);
    }
  }

 private:
  struct RegionSeries {
    sr::Gauge healthy, suspect, instances, capacity;
  };

  void Set(const std::string& region, const sr_spawner_region_totals& totals) {
    auto it = series_.find(region);
    if (it == series_.end()) {
      RegionSeries created{spawners_.With({region, "healthy"}), spawners_.With({region, "suspect"}),
                           instances_.With({region}), capacity_.With({region})};
      it = series_.emplace(region, created).first;
    }
    it->second.healthy.Set(static_cast<double>(totals.spawners - totals.suspect));
    it->second.suspect.Set(static_cast<double>(totals.suspect));
    it->second.instances.Set(static_cast<double>(totals.current_instances));
    it->second.capacity.Set(static_cast<double>(totals.max_instances));
  }

  const sr_spawner_directory_v2* directory_;
  sr::GaugeFamily spawners_, instances_, capacity_;
  std::set<std::string> seen_;  // only the collector touches these (one render at a time)
  std::map<std::string, RegionSeries> series_;
};

class MetricsPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"metrics",
            "1.0.0",
            "Prometheus metrics of the host and every plugin at GET /metrics",
            {},
            {},
            {sr::Service(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2)}};
  }

  void Init(sr::Host& host) override {
    host.config().Finish();
    if (const auto* directory = host.Lookup<sr_spawner_directory_v2>(
            SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2)) {
      fleet_ = std::make_unique<FleetGauges>(host, directory);
      sr::OnCollect(host, [this] { fleet_->Collect(); });
    } else {
      host.Info("no spawner-directory service: the spawner_registry_spawners gauges are left out");
    }
    // Blocking: a render reads /proc and runs every plugin's collectors; keep it off the I/O
    // threads.
    host.Route(
        "GET", "/metrics", kGuard,
        [&host](sr::Request&, sr::Response& response) {
          response.AddHeader("Cache-Control", "no-store");
          response.Send(200, sr::RenderMetrics(host), kContentType);
        },
        sr::RouteOptions{.blocking = true});
  }

 private:
  std::unique_ptr<FleetGauges> fleet_;
};

}  // namespace

SR_DECLARE_PLUGIN(MetricsPlugin)
