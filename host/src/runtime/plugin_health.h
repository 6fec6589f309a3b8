#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <sr/health_states.hpp>

namespace sr::host {

// Which plugins said they cannot do their work (ABI 1.4, health_set), for GET /health: the
// SDK's rules (sr/health_states.hpp, shared with the fake host) under a lock, since plugins
// report from any thread while I/O threads answer /health.
class PluginHealth {
 public:
  // True when the plugin's state changed (so the caller logs transitions only).
  bool Set(std::string_view plugin, bool degraded, std::string_view reason);
  // Forgets the plugin (withdrawn or destroyed: it can no longer recover by itself).
  void Clear(std::string_view plugin) { Set(plugin, false, {}); }
  std::vector<sr::HealthStates::Degraded> DegradedPlugins() const;
  // The body of GET /health.
  std::string HealthJson() const;

 private:
  mutable std::mutex mutex_;
  sr::HealthStates states_;
  // Whether states_ lists anyone: load balancers poll /health thousands of times a second,
  // and the healthy answer then takes no lock.
  std::atomic<bool> any_degraded_{false};
};

}  // namespace sr::host
