#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugins/plugin_context.h"

namespace sr::host {

struct HostRuntime;

// Drives the plugins through their lifecycle: load every enabled plugin, check versions and
// dependencies, init in dependency order, check guards, start; and at shutdown stop and
// destroy in reverse order. Start-up failures are ConfigError with one clear line.
class PluginManager {
 public:
  explicit PluginManager(HostRuntime& runtime);
  ~PluginManager();
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Loads, orders and initializes the plugins, then checks routes against guards.
  void LoadAndInit();
  void StartAll();
  // Cancels each plugin's tasks and subscriptions and calls its stop hook, in reverse order.
  void StopAll();
  void DestroyAll();

  // For --check and the start-up log.
  const std::vector<std::unique_ptr<PluginContext>>& plugins() const { return plugins_; }

 private:
  std::string PluginPath(const std::string& id, const std::string& configured) const;
  std::string SuggestProvider(const Capability& capability) const;
  void InitOne(PluginContext& context);
  void Withdraw(PluginContext& context);
  void CheckGuards();
  // Lets the host read the plugin's memory report (ABI 1.3) while it runs.
  void AddMemoryReporter(PluginContext& context);

  HostRuntime& runtime_;
  std::vector<std::unique_ptr<PluginContext>> plugins_;  // in init order
};

}  // namespace sr::host
