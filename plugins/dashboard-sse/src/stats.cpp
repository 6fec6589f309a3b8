#include "stats.h"

#include "json_writer.h"

namespace sr::dashboard {

namespace {

void WriteMemory(JsonWriter& writer, const StatsSample& sample) {
  WriteKey(writer, "memory");
  writer.StartObject();
  WriteUint(writer, "rss", sample.host.memory_rss_bytes);
  WriteKey(writer, "plugins");
  writer.StartArray();
  std::uint64_t total = 0;
  const auto& items = sample.plugin_memory;
  for (std::size_t begin = 0; begin < items.size();) {
    std::size_t end = begin;
    std::uint64_t bytes = 0;
    while (end < items.size() && items[end].plugin == items[begin].plugin)
      bytes += items[end++].bytes;
    writer.StartObject();
    WriteString(writer, "plugin", items[begin].plugin);
    WriteUint(writer, "bytes", bytes);
    WriteKey(writer, "items");
    writer.StartObject();
    for (std::size_t i = begin; i < end; ++i) WriteUint(writer, items[i].item, items[i].bytes);
    writer.EndObject();
    writer.EndObject();
    total += bytes;
    begin = end;
  }
  writer.EndArray();
  WriteUint(writer, "plugin_bytes", total);
  WriteNumber(writer, "plugin_bytes_per_spawner",
              sample.fleet.spawners > 0
                  ? std::optional<double>(static_cast<double>(total) /
                                          static_cast<double>(sample.fleet.spawners))
                  : std::nullopt);
  writer.EndObject();
}

}  // namespace

std::string StatsJson(const StatsSample& sample) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteUint(writer, "uptime", sample.host.uptime_ms);
  WriteUint(writer, "active_spawners", sample.fleet.spawners);
  WriteUint(writer, "total_requests", sample.host.total_requests);
  WriteUint(writer, "total_errors", sample.host.total_errors);
  WriteBool(writer, "db_connected", sample.db_connected);
  WriteUint(writer, "memory_usage", sample.host.memory_rss_bytes);
  WriteUint(writer, "bytes_sent", sample.host.bytes_sent);
  WriteUint(writer, "bytes_received", sample.host.bytes_received);

  WriteUint(writer, "tick", sample.tick);
  WriteInt(writer, "timestamp", sample.timestamp_ms);
  WriteString(writer, "host", sample.master.endpoint);
  WriteString(writer, "hostname", sample.master.hostname);
  WriteNumber(writer, "requests_per_second", sample.requests_per_second);
  WriteNumber(writer, "errors_per_second", sample.errors_per_second);
  WriteBool(writer, "registry_available", sample.fleet.available);
  WriteUint(writer, "suspect_spawners", sample.fleet.suspect);
  WriteUint(writer, "instances_in_use", sample.fleet.current_instances);
  WriteUint(writer, "capacity", sample.fleet.max_instances);
  WriteUint(writer, "open_connections", sample.host.open_connections);
  WriteUint(writer, "dashboard_clients", sample.dashboard_clients);
  WriteNumber(writer, "process_cpu_percent", sample.machine.process_cpu_percent);
  WriteUint(writer, "total_allocations", sample.allocation_totals.allocations);
  WriteUint(writer, "total_allocation_failures", sample.allocation_totals.failures);
  WriteNumber(writer, "allocations_per_second", sample.allocations_per_second);
  WriteNumber(writer, "allocation_failures_per_second", sample.allocation_failures_per_second);

  WriteKey(writer, "machine");
  writer.StartObject();
  WriteNumber(writer, "cpu_percent", sample.machine.cpu_percent);
  WriteOptionalUint(writer, "memory_total", sample.machine.memory_total);
  WriteOptionalUint(writer, "memory_available", sample.machine.memory_available);
  WriteOptionalUint(writer, "disk_total", sample.machine.disk_total);
  WriteOptionalUint(writer, "disk_free", sample.machine.disk_free);
  WriteNumber(writer, "net_rx_bytes_per_second", sample.machine.net_rx_bytes_per_second);
  WriteNumber(writer, "net_tx_bytes_per_second", sample.machine.net_tx_bytes_per_second);
  writer.EndObject();

  WriteMemory(writer, sample);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<double> CounterRate::Update(std::uint64_t value,
                                          std::chrono::steady_clock::time_point now) {
  std::optional<double> rate;
  if (previous_value_ && now > previous_at_ && value >= *previous_value_) {
    double seconds = std::chrono::duration<double>(now - previous_at_).count();
    rate = static_cast<double>(value - *previous_value_) / seconds;
  }
  previous_value_ = value;
  previous_at_ = now;
  return rate;
}

}  // namespace sr::dashboard
