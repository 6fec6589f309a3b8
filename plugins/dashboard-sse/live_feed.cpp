#include "live_feed.h"

#include <unistd.h>
#include <sr/metrics.hpp>

#include <chrono>

#include "error_query.h"
#include "hello_event.h"
#include "session_event.h"

namespace sr::dashboard {

namespace {

// How often streams whose client left are forgotten (a session's end forgets its streams too).
constexpr std::chrono::seconds kSessionStreamPrune{30};

std::int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

MasterIdentity ReadMasterIdentity(const sr::Host& host) {
  MasterIdentity master;
  master.endpoint = host.ServerEndpoint();  // empty on a host older than ABI 1.4
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) == 0) master.hostname = name;
  return master;
}

sr_stream_group_options GroupOptions(const DashboardSettings& settings) {
  sr_stream_group_options options{};
  options.struct_size = sizeof(options);
  options.replay_events = settings.replay_events;
  options.replay_bytes = settings.replay_bytes;
  options.max_queued_bytes = settings.max_queued_bytes;
  options.keepalive_ms = static_cast<std::uint32_t>(settings.keepalive.count());
  options.max_clients = settings.max_clients;
  return options;
}

}  // namespace

LiveFeed::LiveFeed(sr::Host& host, const DashboardSettings& settings,
                   const sr_spawner_directory_v2* directory, const sr_kv_store_v1* store)
    : host_(host),
      master_(ReadMasterIdentity(host)),
      settings_(settings),
      store_(store),
      source_(directory != nullptr ? std::make_unique<DirectorySource>(directory) : nullptr),
      epoch_(static_cast<std::uint64_t>(UnixMillis())),
      spawner_feed_(source_.get(), epoch_),
      stats_(MachineSampler("/proc", settings.disk_path, ::sysconf(_SC_CLK_TCK)),
             settings.HistoryCapacity()),
      changes_(settings.max_pending_changes),
      errors_(settings.max_pending_errors),
      instances_(settings.max_pending_changes),
      allocation_failures_(settings.max_pending_errors, "failures") {
  sr_stream_group_options options = GroupOptions(settings_);
  group_ = host_.CreateStreamGroup("dashboard", &options);
  sr::Gauge clients = sr::Gauges(host_, "spawner_registry_dashboard_sse_clients",
                                 "Browsers connected to the dashboard's live event stream.")
                          .With({});
  sr::OnCollect(host_, [this, clients] { clients.Set(static_cast<double>(group_.Clients())); });
  RegisterRoutes();
  Subscribe();
  ScheduleTasks();
}

void LiveFeed::ReportMemory(sr::MemoryReport& report) const {
  report.Add("spawner mirror", spawner_feed_.MemoryBytes());
}

void LiveFeed::Start() {
  spawner_feed_.Prime();
  stats_.Collect(ReadInputs());
}

void LiveFeed::RegisterRoutes() {
  host_.Route(
      "GET", "/events", "session:viewer",
      [this](sr::Request& request, sr::Response& response) { OpenStream(request, response); });
  host_.Route("GET", "/api/stats", "session:viewer", [this](sr::Request&, sr::Response& response) {
    std::shared_ptr<const std::string> latest = stats_.Latest();
    if (latest == nullptr) {
      response.Error(503, "no statistics yet");
      return;
    }
    response.AddHeader("Cache-Control", "no-store");
    response.Shared(200, std::move(latest), "application/json");
  });
  host_.Route("GET", "/api/stats/history", "session:viewer",
              [this](sr::Request&, sr::Response& response) {
                response.AddHeader("Cache-Control", "no-store");
                response.Json(200, stats_.history().Json(settings_.stats_interval.count()));
              });
  // A worker thread: the log may be configured large, and it is copied to be filtered.
  host_.Route(
      "GET", "/api/errors", "session:viewer",
      [this](sr::Request& request, sr::Response& response) { ServeErrors(request, response); },
      sr::RouteOptions{.blocking = true});
}

void LiveFeed::Subscribe() {
  // Registrations and removals reach clients twice: at once as a `spawner` change event, and
  // in the next `spawners` delta, which is what keeps versions in step.
  subscriptions_.push_back(
      host_.Subscribe("spawner.registered", [this](std::string_view, std::string_view payload) {
        changes_.AddRegistered(payload);
        spawner_feed_.OnChanged(payload);
      }));
  subscriptions_.push_back(
      host_.Subscribe("spawner.removed", [this](std::string_view, std::string_view payload) {
        changes_.AddRemoved(payload);
        spawner_feed_.OnRemoved(payload);
      }));
  // spawner.updated (heartbeats) only updates the feed's mirror: at fleet scale it is most of
  // the traffic, and the periodic delta sends it once per tick, field by field.
  subscriptions_.push_back(host_.Subscribe(
      "spawner.updated",
      [this](std::string_view, std::string_view payload) { spawner_feed_.OnChanged(payload); }));
  subscriptions_.push_back(host_.Subscribe(
      "http.error", [this](std::string_view, std::string_view payload) { errors_.Add(payload); }));
  // The game-instances plugin's events (absent without it: then nothing arrives).
  subscriptions_.push_back(
      host_.Subscribe("instance.started", [this](std::string_view, std::string_view payload) {
        if (auto facts = instances_.AddStarted(payload)) allocations_.CountStarted(*facts);
      }));
  subscriptions_.push_back(host_.Subscribe(
      "instance.stopped",
      [this](std::string_view, std::string_view payload) { instances_.AddStopped(payload); }));
  subscriptions_.push_back(
      host_.Subscribe("allocation.failed", [this](std::string_view, std::string_view payload) {
        if (allocation_failures_.Add(payload)) allocations_.CountFailure();
      }));
  subscriptions_.push_back(
      host_.Subscribe("auth.session_ended", [this](std::string_view, std::string_view payload) {
        if (auto session = EndedSessionId(payload)) session_streams_.EndSession(*session);
      }));
}

void LiveFeed::ScheduleTasks() {
  tasks_.push_back(
      host_.Every("dashboard stats", settings_.stats_interval, [this] { TickStats(); }));
  tasks_.push_back(
      host_.Every("dashboard spawners", settings_.spawners_interval, [this] { TickSpawners(); }));
  tasks_.push_back(
      host_.Every("dashboard changes", settings_.flush_interval, [this] { FlushChanges(); }));
  tasks_.push_back(host_.Every("dashboard session streams", kSessionStreamPrune,
                               [this] { session_streams_.Prune(); }));
}

StatsInputs LiveFeed::ReadInputs() {
  StatsInputs inputs;
  inputs.master = master_;
  sr_host_stats raw = host_.Stats();
  inputs.host.uptime_ms = raw.uptime_ms;
  inputs.host.total_requests = raw.total_requests;
  inputs.host.total_errors = raw.total_errors;
  inputs.host.bytes_received = raw.bytes_received;
  inputs.host.bytes_sent = raw.bytes_sent;
  inputs.host.memory_rss_bytes = raw.memory_rss_bytes;
  inputs.host.open_connections = raw.open_connections;
  inputs.host.open_streams = raw.open_streams;
  if (source_ != nullptr) {
    if (auto totals = source_->Totals()) inputs.fleet = *totals;
  }
  inputs.allocations = AllocationTotals{allocations_.allocations(), allocations_.failures()};
  inputs.db_connected = store_ != nullptr && store_->healthy(store_->self) != 0;
  inputs.dashboard_clients = group_.Clients();
  for (sr::PluginMemoryItem& item : host_.PluginMemory()) {
    inputs.plugin_memory.push_back(
        PluginMemory{std::move(item.plugin), std::move(item.item), item.bytes});
  }
  inputs.now_unix_ms = UnixMillis();
  inputs.now = std::chrono::steady_clock::now();
  return inputs;
}

void LiveFeed::OpenStream(sr::Request& request, sr::Response& response) {
  sr::Stream stream;
  try {
    stream = group_.Open(request, response);
  } catch (const sr::Error& error) {
    if (error.status() == SR_ERR_UNAVAILABLE) {
      response.Error(503, "the dashboard has too many live clients; retry later");
      return;
    }
    throw;
  }
  HelloFacts facts;
  facts.epoch = epoch_;
  facts.spawners_version = spawner_feed_.version();
  facts.registry_available = spawner_feed_.available();
  facts.stats_interval_ms = settings_.stats_interval.count();
  facts.spawners_interval_ms = settings_.spawners_interval.count();
  facts.server_time_ms = UnixMillis();
  facts.user = request.Attribute("user").value_or("");
  facts.role = request.Attribute("role").value_or("");
  facts.latest_stats = stats_.Latest();
  stream.Send("hello", HelloJson(facts));
  // The session guard names the session; without one (no auth plugin) nothing can end it.
  std::string session(request.Attribute("session").value_or(""));
  if (!session.empty()) session_streams_.Add(session, std::move(stream));
}

void LiveFeed::TickStats() {
  std::shared_ptr<const std::string> json = stats_.Collect(ReadInputs());
  group_.Broadcast("stats", *json);
}

void LiveFeed::TickSpawners() {
  std::lock_guard<std::mutex> lock(broadcast_mutex_);
  group_.Broadcast("spawners", spawner_feed_.Tick(UnixMillis()));
}

void LiveFeed::FlushChanges() {
  {
    std::lock_guard<std::mutex> lock(broadcast_mutex_);
    if (auto changes = changes_.Take(epoch_)) group_.Broadcast("spawner", *changes);
  }
  if (auto errors = errors_.Take()) group_.Broadcast("http_error", *errors);
  if (auto instances = instances_.Take()) group_.Broadcast("instances", *instances);
  if (auto failures = allocation_failures_.Take()) {
    group_.Broadcast("allocation_failed", *failures);
  }
}

void LiveFeed::ServeErrors(sr::Request& request, sr::Response& response) {
  ErrorQueryParse parsed =
      ParseErrorQuery([&](std::string_view name) { return request.QueryParam(name); });
  if (!parsed.query) {
    response.Error(400, parsed.error);
    return;
  }
  // The log is bounded (server.error_log_capacity) and in memory: filtering it whole is cheap.
  std::vector<sr::ErrorEntry> entries = host_.Errors(0, SIZE_MAX, true);
  std::vector<ErrorRecord> records;
  records.reserve(entries.size());
  for (sr::ErrorEntry& entry : entries) {
    records.push_back(ErrorRecord{entry.sequence, entry.status, entry.timestamp_ms,
                                  std::move(entry.method), std::move(entry.path),
                                  std::move(entry.message), std::move(entry.client_ip)});
  }
  ErrorPage page = ErrorListPage(records, *parsed.query);
  response.AddHeader("Cache-Control", "no-store");
  if (page.next_before) {
    response.AddHeader("Link", NextPageLink(*parsed.query, *page.next_before));
  }
  response.Json(200, page.json);
}

}  // namespace sr::dashboard
