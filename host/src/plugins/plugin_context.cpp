#include "plugins/plugin_context.h"

#include "plugins/host_runtime.h"

namespace sr::host {

PluginContext::PluginContext(HostRuntime& runtime_in, LoadedPlugin plugin_in,
                             std::unique_ptr<ConfigSection> config_in)
    : runtime(runtime_in), plugin(std::move(plugin_in)), config(std::move(config_in)) {}

void PluginContext::RecordError(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.empty()) error_ = message;
}

void PluginContext::RecordConfigError(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.empty()) return;
  error_ = message;
  error_is_config_ = true;
}

bool PluginContext::error_is_config() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_is_config_;
}

std::string PluginContext::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

sr_str PluginContext::Keep(std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  kept_.push_back(std::move(text));
  return sr_str{kept_.back().data(), kept_.back().size()};
}

bool PluginContext::Declares(std::uint32_t kind, const std::string& name, bool provided) const {
  auto in = [&](const std::vector<Capability>& list) {
    for (const auto& capability : list) {
      if (capability.kind == kind && capability.name == name) return true;
    }
    return false;
  };
  if (provided) return in(plugin.provides);
  return in(plugin.required) || in(plugin.uses);
}

}  // namespace sr::host
