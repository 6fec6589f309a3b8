// game-instances: the game instances running on the spawners, and allocation ("give me a
// server in region X"). See README.md.
//
// Routes: see instance_routes.h (POST /api/allocations, GET /api/instances[/{id}],
//   DELETE /api/instances/{id}, GET /api/regions).
// Tasks:
//   "instances directory"  every directory_refresh: a snapshot of spawner-directory (suspect
//                          flags change without events)
//   "instances reconcile"  a quarter of a second: starts the agent polls that are due
//   "instances retention"  every 10 s: drops stopped and gone instances older than
//                          ended_retention
// Events: consumes spawner.registered / updated / removed and spawner.spawned (the spawn
//   proxy's answers); publishes instance.started, instance.stopped, allocation.failed.
// Services: requires spawner-directory v2; uses kv-store v1 (else memory). With a version 2
//   provider (several masters over one database): instance ids from the sequence
//   "instance_id", the other masters' instances followed through a watch of
//   "game-instances" (cluster_follower.h), agents reconciled only by the holder of the lease
//   "game-instances-reconcile".
// Config: see README.md.
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <memory>
#include <sr/config_cidr.hpp>
#include <sr/plugin.hpp>

#include "agent_calls.h"
#include "allocator.h"
#include "cluster_follower.h"
#include "directory_reader.h"
#include "fleet.h"
#include "instance_routes.h"
#include "journal.h"
#include "kv_instance_store.h"
#include "reconciler.h"

namespace {

using namespace std::chrono_literals;
using namespace sr::game_instances;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Events follow changes already made; a lost one is logged, never undoes the change.
class HostEvents final : public EventSink {
 public:
  explicit HostEvents(sr::Host& host) : host_(host) {}
  void Publish(std::string_view topic, std::string json) override {
    try {
      host_.Publish(topic, json);
    } catch (const sr::ShuttingDown&) {
    } catch (const sr::Error& error) {
      host_.Warn(std::string("event lost: ") + error.what());
    }
  }
  void Warn(std::string_view message) override { host_.Warn(message); }

 private:
  sr::Host& host_;
};

struct Settings {
  FleetOptions fleet;
  AgentClientOptions agents;
  AllocatorOptions allocator;
  ReconcilerOptions reconciler;
  InstanceRoutes::Options routes;
  std::chrono::milliseconds directory_refresh{1000};
};

Settings ReadSettings(sr::Config& config) {
  Settings settings;
  settings.allocator.default_max_attempts =
      static_cast<int>(config.Int("max_attempts", 3, 1, kMaxAttemptsLimit));
  settings.fleet.failures_before_cooldown =
      static_cast<int>(config.Int("cooldown_after_failures", 3, 1, 1000));
  settings.fleet.cooldown_ms = config.Duration("cooldown", 30s, 0ms, 24h).count();
  settings.fleet.ended_retention_ms = config.Duration("ended_retention", 5min, 0ms, 24h).count();
  if (config.ArrayLength("unavailable_statuses") > 0) {
    settings.fleet.unavailable_statuses.clear();
    for (std::size_t i = 0; i < config.ArrayLength("unavailable_statuses"); ++i) {
      settings.fleet.unavailable_statuses.insert(
          config.String("unavailable_statuses." + std::to_string(i)));
    }
  }
  settings.reconciler.interval_ms = config.Duration("reconcile_interval", 10s, 100ms, 24h).count();
  settings.reconciler.concurrency =
      static_cast<std::size_t>(config.Int("reconcile_concurrency", 16, 1, 1024));
  settings.reconciler.min_gap_ms = config.Duration("reconcile_min_gap", 1s, 0ms, 1h).count();
  settings.directory_refresh = config.Duration("directory_refresh", 1s, 50ms, 1h);
  AgentClientOptions& agents = settings.agents;
  agents.connect_timeout = config.Duration("agent_connect_timeout", 2s, 10ms, 10min);
  agents.total_timeout = config.Duration("agent_timeout", 5s, 10ms, 10min);
  agents.max_in_flight = static_cast<std::size_t>(config.Int("max_agent_calls", 4096, 1, 1000000));
  agents.max_response_bytes = 4 << 20;  // GET /instances of a busy agent
  agents.targets =
      sr::spawner_registry::SpawnTargetPolicy(sr::net::ReadCidrList(config, "spawn_targets.allow"),
                                              sr::net::ReadCidrList(config, "spawn_targets.deny"));
  settings.routes.retry_after =
      std::chrono::duration_cast<std::chrono::seconds>(config.Duration("retry_after", 5s, 1s, 1h));
  config.Finish();
  return settings;
}

class GameInstancesPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"game-instances",
            "1.0.0",
            "Game instances on the spawners: allocation, tracking, reconciliation, stop",
            {},
            {sr::Service(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2)},
            {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)}};
  }

  void Init(sr::Host& host) override {
    Settings settings = ReadSettings(host.config());
    directory_ = host.Lookup<sr_spawner_directory_v2>(SR_SPAWNER_DIRECTORY_SERVICE,
                                                      SR_SPAWNER_DIRECTORY_VERSION_2);
    if (directory_ == nullptr || directory_->struct_size < sizeof(sr_spawner_directory_v2)) {
      throw sr::Error("the spawner-directory service lacks version 2 (visit)",
                      SR_ERR_FAILED_PRECONDITION);
    }
    events_ = std::make_unique<HostEvents>(host);
    if (const auto* kv = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)) {
      store_ = std::make_unique<KvInstanceStore>(*kv);
      if (store_->clustered()) {
        settings.fleet.draw_number = [this] { return store_->DrawNumber(); };
        settings.reconciler.leads = [this] { return store_->Lead("game-instances-reconcile"); };
      }
    }
    fleet_ = std::make_unique<Fleet>(settings.fleet);
    if (store_) {
      follower_ = std::make_unique<ClusterFollower>(*store_, *fleet_, *events_);
      auto loaded = store_->Load([&host](const std::string& warning) { host.Warn(warning); });
      host.Info(std::string(store_->clustered() ? "clustered" : "persistent")
                    .append(" (kv-store): ")
                    .append(std::to_string(loaded.instances.size()))
                    .append(" instance(s) restored"));
      fleet_->Restore(std::move(loaded.instances), loaded.next_number);
    } else {
      host.Info("running in memory: no kv-store service is enabled, instances are lost at restart");
    }
    journal_ = std::make_unique<Journal>(*fleet_, store_.get(), *events_);
    agents_ = std::make_unique<AgentClient>(settings.agents);
    allocator_ =
        std::make_unique<Allocator>(*fleet_, *agents_, *journal_, settings.allocator, NowMs);
    reconciler_ =
        std::make_unique<Reconciler>(*fleet_, *agents_, *journal_, settings.reconciler, NowMs);
    // Subscribe first, then take the snapshot (spawner_directory.h explains why).
    subscription_ =
        host.Subscribe("spawner.*", [this](std::string_view topic, std::string_view payload) {
          OnSpawnerEvent(topic, payload);
        });
    RefreshDirectory();
    routes_ = std::make_unique<InstanceRoutes>(host, *fleet_, *allocator_, *agents_, *journal_,
                                               settings.routes);
    routes_->Add();
    directory_task_ = host.Every("instances directory", settings.directory_refresh,
                                 [this] { RefreshDirectory(); });
    reconcile_task_ = host.Every("instances reconcile", 250ms, [this] { reconciler_->Tick(); });
    retention_task_ = host.Every("instances retention", 10s,
                                 [this] { journal_->Dropped(fleet_->DropEnded(NowMs())); });
  }

  // Tasks and subscriptions have ended: calls still running end now (allocations in flight
  // give their slot back and answer 503).
  void Stop() override {
    follower_.reset();  // the other masters' changes stop here, before the provider stops
    agents_->Stop();
  }

 private:
  void RefreshDirectory() {
    std::int64_t began = NowMs();
    std::vector<SpawnerView> all = VisitDirectory(*directory_);
    journal_->Ended(fleet_->Replace(all, began, NowMs()), "gone");
  }

  void OnSpawnerEvent(std::string_view topic, std::string_view payload) {
    if (topic == "spawner.registered" || topic == "spawner.updated") {
      std::optional<SpawnerView> view = SpawnerFromEvent(payload);
      if (!view) return;
      fleet_->Upsert(*view, NowMs());
      if (topic != "spawner.updated") return;
      if (fleet_->Disagrees(view->id, view->current_instances)) {
        reconciler_->Urgent(view->id, view->current_instances);
      } else {
        reconciler_->Settled(view->id);
      }
    } else if (topic == "spawner.removed") {
      if (auto id = RemovedSpawnerId(payload))
        journal_->Ended(fleet_->Remove(*id, NowMs()), "gone");
    } else if (topic == "spawner.spawned") {
      std::optional<SpawnedEvent> spawned = SpawnedFromEvent(payload);
      if (!spawned || spawned->status != 200) return;
      std::optional<AgentInstance> started = ParseAgentSpawn(spawned->body);
      if (!started) return;
      try {
        if (auto instance = fleet_->Record(spawned->spawner_id, *started, "spawn", NowMs())) {
          journal_->Started(*instance);
        }
      } catch (const std::exception& error) {
        // Several masters, the sequence unreachable: the reconciliation adopts it later.
        events_->Warn(std::string("an instance the spawn proxy started is not tracked yet: ")
                          .append(error.what()));
      }
    }
  }

  const sr_spawner_directory_v2* directory_ = nullptr;
  std::unique_ptr<HostEvents> events_;
  std::unique_ptr<Fleet> fleet_;
  std::unique_ptr<KvInstanceStore> store_;
  std::unique_ptr<ClusterFollower> follower_;  // cluster mode; stops before the fleet goes
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<AgentClient> agents_;
  std::unique_ptr<Allocator> allocator_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<InstanceRoutes> routes_;
  sr::Subscription subscription_;
  sr::Task directory_task_;
  sr::Task reconcile_task_;
  sr::Task retention_task_;
};

}  // namespace

SR_DECLARE_PLUGIN(GameInstancesPlugin)
