#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <sr/abi.h>

#include "config/config_section.h"
#include "plugins/plugin_loader.h"

namespace sr::host {
struct PluginContext;
struct HostRuntime;
}  // namespace sr::host

// The opaque sr_host of abi.h: one per plugin.
struct sr_host {
  sr::host::PluginContext* context;
};

namespace sr::host {

// What the host keeps about one plugin between load and destroy.
struct PluginContext {
  PluginContext(HostRuntime& runtime_in, LoadedPlugin plugin_in,
                std::unique_ptr<ConfigSection> config_in);

  const std::string& id() const { return plugin.id; }
  // Records the first failure reason (later ones are usually consequences).
  void RecordError(const std::string& message);
  // The same for an error that already names plugins.yaml, line, plugin and key: printed as
  // it is, like the host's own configuration errors.
  void RecordConfigError(const std::string& message);
  std::string error() const;
  bool error_is_config() const;
  // True on the thread running this plugin's on_plugin_init, while it runs: the only time
  // abi.h allows the calls marked "during on_plugin_init".
  bool InInit() const { return init_thread.load() == std::this_thread::get_id(); }
  // A string kept alive until the plugin is destroyed, for views handed out.
  sr_str Keep(std::string text);
  bool Declares(std::uint32_t kind, const std::string& name, bool provided) const;

  HostRuntime& runtime;
  LoadedPlugin plugin;
  std::unique_ptr<ConfigSection> config;
  void* instance = nullptr;
  bool initialized = false;
  bool started = false;
  bool stopping = false;
  // The thread running on_plugin_init; a default id (no thread) outside it.
  std::atomic<std::thread::id> init_thread{};
  sr_host handle{this};

 private:
  mutable std::mutex mutex_;
  std::string error_;
  bool error_is_config_ = false;
  std::deque<std::string> kept_;
};

}  // namespace sr::host
