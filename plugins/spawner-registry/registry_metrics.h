// The registry's Prometheus counters (ABI 1.3; inert on an older host). Registrations and
// removals are counted from the events the registry publishes after each commit, so every
// path that changes the registry is counted once, in one place.
#pragma once

#include <sr/metrics.hpp>

#include <string_view>

namespace sr::spawner_registry {

struct RegistryMetrics {
  explicit RegistryMetrics(sr::Host& host)
      : heartbeats(Single(host, "spawner_registry_heartbeats_total", "Heartbeats accepted.")),
        registrations(Single(host, "spawner_registry_registrations_total",
                             "Spawners registered (committed).")),
        expiries(Single(host, "spawner_registry_expiries_total",
                        "Spawners removed because their TTL passed without a heartbeat.")),
        deletions(Single(host, "spawner_registry_deletions_total",
                         "Spawners removed by DELETE /api/spawners/{id}.")) {}

  // Counts what a published registry event announces.
  void Count(std::string_view topic, std::string_view json) const {
    if (topic == "spawner.registered") {
      registrations.Inc();
    } else if (topic == "spawner.removed") {
      bool expired = json.find("\"reason\":\"expired\"") != std::string_view::npos;
      (expired ? expiries : deletions).Inc();
    }
  }

  sr::Counter heartbeats;
  sr::Counter registrations;
  sr::Counter expiries;
  sr::Counter deletions;

 private:
  static sr::Counter Single(sr::Host& host, std::string_view name, std::string_view help) {
    return sr::Counters(host, name, help).With({});
  }
};

}  // namespace sr::spawner_registry
