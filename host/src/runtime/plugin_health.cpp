#include "runtime/plugin_health.h"

namespace sr::host {

bool PluginHealth::Set(std::string_view plugin, bool degraded, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.Set(plugin, degraded, reason);
}

std::vector<sr::HealthStates::Degraded> PluginHealth::DegradedPlugins() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.degraded();
}

std::string PluginHealth::HealthJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.Json();
}

}  // namespace sr::host
