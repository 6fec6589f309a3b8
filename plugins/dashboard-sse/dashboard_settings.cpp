#include "dashboard_settings.h"

#include <sr/plugin.hpp>

namespace sr::dashboard {

using namespace std::chrono_literals;

std::size_t DashboardSettings::HistoryCapacity() const {
  return static_cast<std::size_t>(history_window / stats_interval);
}

DashboardSettings ReadDashboardSettings(sr::Host& host) {
  sr::Config& config = host.config();
  DashboardSettings settings;
  settings.web_root = config.Path("web_root", "web");
  settings.disk_path = config.Path("disk_path", host.DataDir());
  settings.stats_interval = config.Duration("stats_interval", settings.stats_interval, 100ms, 1min);
  settings.spawners_interval =
      config.Duration("spawners_interval", settings.spawners_interval, 100ms, 5min);
  settings.flush_interval = config.Duration("flush_interval", settings.flush_interval, 10ms, 10s);
  settings.history_window = config.Duration("history_window", settings.history_window, 1min, 24h);
  settings.assets_reload_interval =
      config.Duration("assets_reload_interval", settings.assets_reload_interval, 0ms, 1h);
  settings.keepalive = config.Duration("keepalive", settings.keepalive, 1s, 5min);
  settings.max_clients =
      static_cast<std::uint32_t>(config.Int("max_clients", settings.max_clients, 1, 1000000));
  settings.replay_events =
      static_cast<std::uint32_t>(config.Int("replay_events", settings.replay_events, 1, 100000));
  settings.replay_bytes =
      config.Bytes("replay_bytes", settings.replay_bytes, 64 << 10, std::uint64_t{1} << 30);
  settings.max_queued_bytes =
      config.Bytes("max_queued_bytes", settings.max_queued_bytes, 64u << 10, 1u << 30);
  settings.max_pending_changes = static_cast<std::uint32_t>(
      config.Int("max_pending_changes", settings.max_pending_changes, 1, 100000));
  settings.max_pending_errors = static_cast<std::uint32_t>(
      config.Int("max_pending_errors", settings.max_pending_errors, 1, 10000));
  config.Finish();
  if (settings.HistoryCapacity() > 100000) {
    throw sr::Error("history_window / stats_interval gives more than 100000 chart points",
                    SR_ERR_INVALID_ARGUMENT);
  }
  return settings;
}

}  // namespace sr::dashboard
