#include "stats_collector.h"

namespace sr::dashboard {

StatsCollector::StatsCollector(MachineSampler sampler, std::size_t history_capacity)
    : sampler_(std::move(sampler)), history_(history_capacity) {}

std::shared_ptr<const std::string> StatsCollector::Collect(const StatsInputs& inputs) {
  StatsSample sample;
  sample.tick = ++tick_;
  sample.timestamp_ms = inputs.now_unix_ms;
  sample.master = inputs.master;
  sample.host = inputs.host;
  sample.fleet = inputs.fleet;
  sample.db_connected = inputs.db_connected;
  sample.dashboard_clients = inputs.dashboard_clients;
  sample.plugin_memory = inputs.plugin_memory;
  sample.requests_per_second = requests_rate_.Update(inputs.host.total_requests, inputs.now);
  sample.errors_per_second = errors_rate_.Update(inputs.host.total_errors, inputs.now);
  sample.machine = sampler_.Sample(inputs.now);
  sample.allocation_totals = inputs.allocations;
  sample.allocations_per_second =
      allocations_rate_.Update(inputs.allocations.allocations, inputs.now);
  sample.allocation_failures_per_second =
      allocation_failures_rate_.Update(inputs.allocations.failures, inputs.now);
  history_.Append(StatsPoint::From(sample));

  auto json = std::make_shared<const std::string>(StatsJson(sample));
  std::lock_guard<std::mutex> lock(mutex_);
  latest_ = json;
  return json;
}

std::shared_ptr<const std::string> StatsCollector::Latest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

}  // namespace sr::dashboard
