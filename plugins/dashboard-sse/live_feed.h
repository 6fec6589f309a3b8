#pragma once

#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <memory>
#include <mutex>
#include <sr/plugin.hpp>

#include "change_buffers.h"
#include "dashboard_settings.h"
#include "directory_source.h"
#include "instance_events.h"
#include "session_streams.h"
#include "spawner_feed.h"
#include "stats_collector.h"

namespace sr::dashboard {

// Everything live about the dashboard: the `dashboard` stream group behind GET /events, the
// periodic stats and spawner ticks, the coalesced registry and error events, and the JSON
// routes of the polling fallback (/api/stats, /api/stats/history, /api/errors). A stream
// lives only as long as the session it was opened under (auth.session_ended closes it).
class LiveFeed {
 public:
  // Registers routes, the stream group, subscriptions and tasks. `directory` and `store` may
  // be null (services not enabled).
  LiveFeed(sr::Host& host, const DashboardSettings& settings,
           const sr_spawner_directory_v2* directory, const sr_kv_store_v1* store);
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // Learns the current spawner list and takes the first stats sample, so that the first
  // clients see figures at once and the first delta is small.
  void Start();
  // Its part of the plugin's memory report: the spawner mirror.
  void ReportMemory(sr::MemoryReport& report) const;

 private:
  void RegisterRoutes();
  void Subscribe();
  void ScheduleTasks();

  void OpenStream(sr::Request& request, sr::Response& response);
  void TickStats();
  void TickSpawners();
  void FlushChanges();
  void ServeErrors(sr::Request& request, sr::Response& response);
  StatsInputs ReadInputs();

  sr::Host& host_;
  // Known from init on and never changes: read once, copied into every sample.
  MasterIdentity master_;
  DashboardSettings settings_;
  const sr_kv_store_v1* store_;
  std::unique_ptr<DirectorySource> source_;
  std::uint64_t epoch_;
  SpawnerFeed spawner_feed_;
  StatsCollector stats_;
  SpawnerChangeBuffer changes_;
  ErrorEventBuffer errors_;
  InstanceChangeBuffer instances_;
  ErrorEventBuffer allocation_failures_;
  AllocationCounters allocations_;
  sr::StreamGroup group_;
  // Orders the `spawners` deltas and the `spawner` change events: each is computed and
  // broadcast under it, so a client never sees an older state after a newer one.
  std::mutex broadcast_mutex_;
  // The /events streams by session, closed when auth reports the session's end.
  SessionStreams session_streams_;
  std::vector<sr::Subscription> subscriptions_;
  std::vector<sr::Task> tasks_;
};

}  // namespace sr::dashboard
