#pragma once

#include <sr/metric_store.hpp>

namespace sr::host {

class HostStats;

// Registers the standard process_* metrics of the Prometheus client libraries and the
// host's connection gauges, read from /proc and getrusage at each render by a collector:
//   process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
//   process_open_fds, process_max_fds, process_start_time_seconds,
//   spawner_registry_http_open_connections, spawner_registry_event_streams_open
void RegisterProcessMetrics(sr::metrics::Store& store, const HostStats& stats);

}  // namespace sr::host
