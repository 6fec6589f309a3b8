#include "plugins/host_runtime.h"

#include "metrics/process_metrics.h"

namespace sr::host {

namespace {
constexpr size_t kEventQueueCapacity = 100000;
}

HostRuntime::HostRuntime(HostConfig config_in)
    : config(std::move(config_in)),
      errors(static_cast<size_t>(config.server.error_log_capacity)),
      events(kEventQueueCapacity),
      scheduler(config.server.worker_threads),
      http_metrics(metrics),
      core(config.server, stats, errors, events, scheduler, http_metrics) {
  RegisterProcessMetrics(metrics, stats);
}

std::string_view HostVersion() { return "1.0.0"; }

}  // namespace sr::host
