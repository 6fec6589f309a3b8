#include "runtime/plugin_health.h"

namespace sr::host {

bool PluginHealth::Set(std::string_view plugin, bool degraded, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool changed = states_.Set(plugin, degraded, reason);
  any_degraded_.store(!states_.degraded().empty(), std::memory_order_release);
  return changed;
}

std::vector<sr::HealthStates::Degraded> PluginHealth::DegradedPlugins() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.degraded();
}

std::string PluginHealth::HealthJson() const {
  if (!any_degraded_.load(std::memory_order_acquire)) {
    return std::string(sr::HealthStates::kHealthyJson);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.Json();
}

}  // namespace sr::host
