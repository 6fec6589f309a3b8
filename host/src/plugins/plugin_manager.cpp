#include "plugins/plugin_manager.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <map>
#include <set>
#include <thread>

#include "config/config_error.h"
#include "plugins/dependency_resolver.h"
#include "plugins/host_api.h"
#include "plugins/host_runtime.h"
#include "plugins/plugin_search.h"

namespace sr::host {

namespace {

std::string StatusName(sr_status status) {
  switch (status) {
    case SR_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case SR_ERR_NOT_FOUND:
      return "not found";
    case SR_ERR_ALREADY_EXISTS:
      return "already exists";
    case SR_ERR_FAILED_PRECONDITION:
      return "failed precondition";
    case SR_ERR_UNAVAILABLE:
      return "unavailable";
    case SR_ERR_CLOSED:
      return "closed";
    case SR_ERR_TOO_LARGE:
      return "too large";
    case SR_ERR_UNSUPPORTED:
      return "unsupported";
    default:
      return "internal error";
  }
}

}  // namespace

PluginManager::PluginManager(HostRuntime& runtime) : runtime_(runtime) {}

PluginManager::~PluginManager() = default;

std::string PluginManager::PluginPath(const std::string& id, const std::string& configured) const {
  if (!configured.empty()) return configured;
  std::string file = id + ".so";
  if (!runtime_.config.server.plugin_dir.empty()) {
    return (std::filesystem::path(runtime_.config.server.plugin_dir) / file).string();
  }
  return DefaultPluginPath(file);
}

std::string PluginManager::SuggestProvider(const Capability& capability) const {
  // Only disabled entries can help: peek at their descriptors without initializing them.
  for (const auto& entry : runtime_.config.plugins) {
    if (entry.enabled) continue;
    try {
      LoadedPlugin peek = LoadPlugin(entry.id, PluginPath(entry.id, entry.path));
      for (const auto& offered : peek.provides) {
        if (offered.kind == capability.kind && offered.name == capability.name) return entry.id;
      }
    } catch (const std::exception&) {
      // A broken disabled plugin is not this error's subject.
    }
  }
  return {};
}

void PluginManager::LoadAndInit() {
  std::vector<std::unique_ptr<PluginContext>> loaded;
  for (const auto& entry : runtime_.config.plugins) {
    if (!entry.enabled) {
      spdlog::info("plugin '{}' is disabled in {}", entry.id, runtime_.config.file_label);
      continue;
    }
    try {
      LoadedPlugin plugin = LoadPlugin(entry.id, PluginPath(entry.id, entry.path));
      auto config =
          std::make_unique<ConfigSection>(entry.config, "plugin '" + entry.id + "'",
                                          runtime_.config.file_label, runtime_.config.dir);
      loaded.push_back(
          std::make_unique<PluginContext>(runtime_, std::move(plugin), std::move(config)));
    } catch (const ConfigError& e) {
      if (!entry.optional) throw;
      spdlog::warn("optional {}; continuing without it", e.what());
    }
  }

  // Order by dependencies. An optional plugin whose hard dependency is missing is dropped.
  std::vector<size_t> order;
  while (true) {
    std::vector<DependencyNode> nodes;
    for (const auto& context : loaded) {
      nodes.push_back(DependencyNode{context->id(), context->plugin.provides,
                                     context->plugin.required, context->plugin.uses});
    }
    try {
      order = ResolveInitOrder(
          nodes, [this](const Capability& capability) { return SuggestProvider(capability); });
      break;
    } catch (const ConfigError& e) {
      std::string message = e.what();
      auto optional_victim = std::find_if(loaded.begin(), loaded.end(), [&](const auto& context) {
        bool is_optional = false;
        for (const auto& entry : runtime_.config.plugins) {
          if (entry.id == context->id()) is_optional = entry.optional;
        }
        return is_optional && message.rfind("plugin '" + context->id() + "' requires", 0) == 0;
      });
      if (optional_victim == loaded.end()) throw;
      spdlog::warn("optional {}; continuing without it", message);
      loaded.erase(optional_victim);
    }
  }
  for (size_t index : order) plugins_.push_back(std::move(loaded[index]));

  for (auto it = plugins_.begin(); it != plugins_.end();) {
    PluginContext& context = **it;
    bool is_optional = false;
    for (const auto& entry : runtime_.config.plugins) {
      if (entry.id == context.id()) is_optional = entry.optional;
    }
    try {
      InitOne(context);
      ++it;
    } catch (const ConfigError& e) {
      if (!is_optional) throw;
      spdlog::warn("optional {}; continuing without it", e.what());
      it = plugins_.erase(it);
    }
  }
  CheckGuards();
}

void PluginManager::InitOne(PluginContext& context) {
  // A hard dependency may have gone with an optional plugin that failed before this one.
  for (const auto& need : context.plugin.required) {
    if (need.kind == SR_CAPABILITY_SERVICE && !runtime_.services.Find(need.name)) {
      throw ConfigError("plugin '" + context.id() + "' requires " + DescribeCapability(need) +
                        ", whose provider did not start");
    }
  }
  context.init_thread = std::this_thread::get_id();
  sr_status status = SR_ERR_INTERNAL;
  try {
    status = context.plugin.descriptor.on_plugin_init(&context.handle, HostApiTable(),
                                                      &context.instance);
  } catch (const std::exception& e) {
    context.RecordError(std::string("init threw: ") + e.what());
  } catch (...) {
    context.RecordError("init threw an exception");
  }
  context.init_thread = std::thread::id();
  std::string error = context.error();
  if (status != SR_OK || !error.empty()) {
    if (status == SR_OK && context.plugin.descriptor.on_plugin_destroy != nullptr) {
      // It thinks it succeeded, but something it asked for was refused (a route conflict):
      // it has an instance to free.
      context.plugin.descriptor.on_plugin_destroy(context.instance);
    }
    Withdraw(context);
    // A configuration error already names file, line, plugin and key.
    if (context.error_is_config()) throw ConfigError(error);
    if (error.empty()) error = "init failed (" + StatusName(status) + ")";
    throw ConfigError("plugin '" + context.id() + "' failed to initialize: " + error);
  }
  // Services it declared but did not publish would fail its users obscurely later.
  for (const auto& offered : context.plugin.provides) {
    bool published = offered.kind == SR_CAPABILITY_SERVICE
                         ? runtime_.services.Find(offered.name).has_value()
                         : runtime_.core.FindGuard(offered.name) != nullptr;
    if (!published) {
      spdlog::warn("[{}] declares {} but did not register it during init", context.id(),
                   DescribeCapability(offered));
    }
  }
  context.initialized = true;
  spdlog::info("plugin '{}' {} initialized (needs plugin ABI {}.{})", context.id(),
               context.plugin.version, SR_ABI_MAJOR, context.plugin.target_minor);
}

void PluginManager::Withdraw(PluginContext& context) {
  runtime_.scheduler.CancelOwner(context.id());
  runtime_.events.UnsubscribeOwner(context.id());
  runtime_.metrics.RemoveCollectors(context.id());
  runtime_.services.RemoveProvider(context.id());
  runtime_.streams.RemoveOwner(context.id());
  runtime_.core.RemoveOwner(context.id());
  // A plugin that is gone cannot recover: its degraded state would stay on /health forever.
  runtime_.health.Clear(context.id());
}

void PluginManager::CheckGuards() {
  std::set<std::string> available = runtime_.core.GuardNames();
  std::map<std::string, std::vector<std::string>> missing;  // guard -> routes
  for (const Route* route : runtime_.core.routes()->All()) {
    for (const auto& term : route->guard.terms) {
      if (available.count(term.name) == 0) {
        missing[term.name].push_back(route->method + " " + route->pattern + " (plugin '" +
                                     route->owner_id + "')");
      }
    }
  }
  if (missing.empty()) return;
  for (const auto& [guard, routes] : missing) {
    Capability wanted{guard, 1, SR_CAPABILITY_GUARD};
    std::string provider = SuggestProvider(wanted);
    std::string what =
        "route " + routes.front() +
        (routes.size() > 1 ? " and " + std::to_string(routes.size() - 1) + " more route(s) need"
                           : std::string(" needs")) +
        " guard '" + guard + "', which no enabled plugin provides";
    std::string fix =
        provider.empty() ? "enable a plugin that provides it" : "enable plugin '" + provider + "'";
    switch (runtime_.config.server.missing_guards) {
      case MissingGuardPolicy::kRefuse:
        throw ConfigError(what + "; " + fix +
                          ", or set `missing_guards: deny` (or `allow`) under server:");
      case MissingGuardPolicy::kDeny:
        spdlog::warn("{}: those routes answer 503 (missing_guards: deny)", what);
        break;
      case MissingGuardPolicy::kAllow:
        spdlog::warn("{}: those routes are PUBLIC (missing_guards: allow)", what);
        break;
    }
  }
}

void PluginManager::StartAll() {
  for (auto& context : plugins_) {
    auto hook = context->plugin.descriptor.on_plugin_start;
    sr_status status = SR_OK;
    if (hook != nullptr) {
      try {
        status = hook(context->instance);
      } catch (...) {
        status = SR_ERR_INTERNAL;
        context->RecordError("start threw an exception");
      }
    }
    if (status != SR_OK) {
      std::string error = context->error();
      throw ConfigError("plugin '" + context->id() +
                        "' failed to start: " + (error.empty() ? StatusName(status) : error));
    }
    context->started = true;
    AddMemoryReporter(*context);
  }
}

void PluginManager::AddMemoryReporter(PluginContext& context) {
  auto hook = context.plugin.descriptor.on_plugin_memory;
  if (hook == nullptr) return;
  void* instance = context.instance;
  runtime_.memory.Add(context.id(), [hook, instance](const MemoryReports::Item& item) {
    auto forward = [](void* ctx, sr_str name, uint64_t bytes) noexcept {
      try {
        (*static_cast<const MemoryReports::Item*>(ctx))(std::string_view(name.data, name.size),
                                                        bytes);
      } catch (...) {
        // A report that cannot be recorded (out of memory) is left out.
      }
    };
    try {
      hook(instance, forward, const_cast<MemoryReports::Item*>(&item));
    } catch (...) {
      // A plugin without the SDK's barrier: its report ends where it threw.
    }
  });
}

void PluginManager::StopAll() {
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    PluginContext& context = **it;
    context.stopping = true;
    runtime_.memory.Remove(context.id());
    runtime_.scheduler.CancelOwner(context.id());
    runtime_.events.UnsubscribeOwner(context.id());
    runtime_.metrics.RemoveCollectors(context.id());
    if (context.started && context.plugin.descriptor.on_plugin_stop != nullptr) {
      try {
        context.plugin.descriptor.on_plugin_stop(context.instance);
      } catch (...) {
        spdlog::error("[{}] stop threw an exception", context.id());
      }
      spdlog::info("plugin '{}' stopped", context.id());
    }
    context.started = false;
  }
}

void PluginManager::DestroyAll() {
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    PluginContext& context = **it;
    if (!context.initialized) continue;
    runtime_.scheduler.CancelOwner(context.id());
    runtime_.events.UnsubscribeOwner(context.id());
    if (context.plugin.descriptor.on_plugin_destroy != nullptr) {
      try {
        context.plugin.descriptor.on_plugin_destroy(context.instance);
      } catch (...) {
        spdlog::error("[{}] destroy threw an exception", context.id());
      }
    }
    context.initialized = false;
    Withdraw(context);
  }
}

}  // namespace sr::host
