#pragma once

#include <memory>
#include <string>

#include "config/host_config.h"
#include "http/server_core.h"
#include "metrics/http_metrics.h"
#include "runtime/error_log.h"
#include "runtime/event_bus.h"
#include "runtime/host_stats.h"
#include "runtime/memory_reports.h"
#include "runtime/plugin_health.h"
#include "runtime/service_registry.h"
#include "runtime/task_scheduler.h"
#include "streams/stream_hub.h"

namespace sr::host {

// Everything the host offers plugins, in one place. Members are declared in dependency
// order so that destruction tears down users before what they use.
struct HostRuntime {
  explicit HostRuntime(HostConfig config_in);

  HostConfig config;
  HostStats stats;
  ErrorLog errors;
  MemoryReports memory;  // plugins' own reports (ABI 1.3)
  PluginHealth health;   // plugins that say they are degraded (ABI 1.4), for GET /health
  // "<bind>:<port>" with the port actually bound (ABI 1.4 server_endpoint). Set once on the
  // main thread before the first plugin is initialized and never changed afterwards: the
  // views handed out of it live as long as the process.
  std::string endpoint;
  EventBus events;
  TaskScheduler scheduler;
  ServiceRegistry services;
  StreamHub streams;
  sr::metrics::Store metrics;  // ABI 1.3: every plugin's metrics and the host's
  HttpMetrics http_metrics;
  ServerCore core;
};

std::string_view HostVersion();

}  // namespace sr::host
