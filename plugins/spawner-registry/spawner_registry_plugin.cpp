// spawner-registry: the registry that game-server spawners talk to (docs/wire-contract.md).
//
// Routes (guards as provided by the auth plugin; handlers then decide which spawner a token
// or a shared spawner key may act on, see src/spawner_access.h):
//   POST   /api/spawners                  api-key                   -> 201 {"id": N, "token"}
//   POST   /api/spawners/{id}/heartbeat   api-key                   -> 200 {"status":"ok"}, 404
//   GET    /api/spawners                  api-key:operator|session:viewer    every spawner
//   GET    /api/spawners/{id}             api-key|session:viewer    one spawner
//   DELETE /api/spawners/{id}             api-key|session:operator  -> 200 {"message":"deleted"}
//   POST   /api/spawners/{id}/spawn       api-key:operator|session:operator  proxies POST
//                                                                   host:port/spawn
// Tasks:
//   "spawner write-behind"  every heartbeat_flush_interval: heartbeats to the store, one batch
//   "spawner expiry"        every sweep_interval: removes spawners silent for longer than ttl
//   "spawner list"          one-shot: rebuilds the shared list for waiting readers
// Events published:
//   spawner.registered  the spawner's JSON with its "revision"
//   spawner.updated     the same, at most once per spawner per write-behind interval
//   spawner.removed     {"id": N, "reason": "deleted" | "expired", "revision", "spawner": {...}}
//   spawner.spawned     {"spawner_id", "status", "body"}: the agent's answer to the spawn proxy
//   audit.record        for deletions and spawn requests
// Services: provides "spawner-directory" v2 (also v1) and "spawner-credentials" v1 (token
// checks for auth); uses "kv-store" v1 when enabled (else memory). A version 2 provider
// shared by several masters (postgres-store) puts it in cluster mode (src/registry.h): ids
// from the sequence "spawner_id", the other masters' changes followed through a watch, the
// expiry sweep run by the holder of the lease "spawner-sweeper" only.
// Config:
//   ttl (60s), suspect_after (half the ttl), sweep_interval (5s),
//   heartbeat_flush_interval (1s; at most 1s in cluster mode), list_max_staleness (250ms),
//   spawn_connect_timeout (2s), spawn_timeout (5s), spawn_max_response_bytes (1MiB),
//   max_body_bytes (16KiB), max_spawners (1000000), bind_shared_key_to_address (true),
//   spawn_targets: {allow: [CIDR...], deny: [CIDR...]}
#include <sr/services/kv_store.h>
#include <sr/services/spawner_credentials.h>
#include <sr/services/spawner_directory.h>

#include <memory>
#include <sr/config_cidr.hpp>
#include <sr/plugin.hpp>

#include "kv_registry_store.h"
#include "registry.h"
#include "registry_metrics.h"
#include "spawn_client.h"
#include "spawner_credentials_service.h"
#include "spawner_directory_service.h"
#include "spawner_routes.h"

namespace {

using namespace std::chrono_literals;
using sr::spawner_registry::KvRegistryStore;
using sr::spawner_registry::Registry;
using sr::spawner_registry::RegistryMetrics;
using sr::spawner_registry::RegistryOptions;
using sr::spawner_registry::SpawnClient;
using sr::spawner_registry::SpawnClientOptions;
using sr::spawner_registry::SpawnerCredentialsService;
using sr::spawner_registry::SpawnerDirectoryService;
using sr::spawner_registry::SpawnerRoutes;
using sr::spawner_registry::SpawnTargetPolicy;
using sr::spawner_registry::SystemClock;

constexpr std::chrono::milliseconds kMaxClusterFlushInterval{1000};

// Events go to the host's bus. They follow changes already committed (often on the store's
// thread), so a lost event is logged and never undoes or fails the change; once the host
// shuts down nobody receives events, and the last flush's are let go.
class HostEventSink final : public sr::spawner_registry::EventSink {
 public:
  explicit HostEventSink(sr::Host& host) : metrics(host), host_(host) {}
  void Publish(std::string_view topic, std::string json) override {
    metrics.Count(topic, json);
    try {
      host_.Publish(topic, json);
    } catch (const sr::ShuttingDown&) {
    } catch (const sr::Error& error) {
      host_.Warn(std::string("event lost: ") + error.what());
    }
  }

  const RegistryMetrics metrics;  // counted here: every committed change passes through

 private:
  sr::Host& host_;
};

struct Settings {
  RegistryOptions registry;
  SpawnClientOptions spawn;
  std::chrono::milliseconds sweep_interval{5000};
  std::chrono::milliseconds flush_interval{1000};
  SpawnerRoutes::Options routes;
};

// One list of spawn_targets: every entry a CIDR or a bare address.
Settings ReadSettings(sr::Config& config) {
  Settings settings;
  RegistryOptions& registry = settings.registry;
  registry.ttl = config.Duration("ttl", registry.ttl, 100ms, 24h * 30);
  registry.suspect_after = config.Duration("suspect_after", registry.ttl / 2, 0ms, 24h * 30);
  if (registry.suspect_after >= registry.ttl) {
    throw sr::Error("suspect_after (" + std::to_string(registry.suspect_after.count()) +
                        " ms) must be shorter than ttl (" + std::to_string(registry.ttl.count()) +
                        " ms)",
                    SR_ERR_INVALID_ARGUMENT);
  }
  settings.sweep_interval = config.Duration("sweep_interval", settings.sweep_interval, 10ms, 1h);
  settings.flush_interval =
      config.Duration("heartbeat_flush_interval", settings.flush_interval, 10ms, 1h);
  registry.list_max_staleness =
      config.Duration("list_max_staleness", registry.list_max_staleness, 0ms, 1min);
  registry.max_spawners = static_cast<std::size_t>(
      config.Int("max_spawners", static_cast<std::int64_t>(registry.max_spawners), 1, 100000000));
  SpawnClientOptions& spawn = settings.spawn;
  spawn.connect_timeout =
      config.Duration("spawn_connect_timeout", spawn.connect_timeout, 10ms, 10min);
  spawn.total_timeout = config.Duration("spawn_timeout", spawn.total_timeout, 10ms, 10min);
  spawn.max_response_bytes = static_cast<std::size_t>(config.Bytes(
      "spawn_max_response_bytes", spawn.max_response_bytes, 1 << 10, std::uint64_t{64} << 20));
  SpawnerRoutes::Options& routes = settings.routes;
  routes.max_body_bytes = config.Bytes("max_body_bytes", routes.max_body_bytes, 1 << 10, 1 << 20);
  routes.bind_shared_key_to_address =
      config.Bool("bind_shared_key_to_address", routes.bind_shared_key_to_address);
  spawn.targets = SpawnTargetPolicy(sr::net::ReadCidrList(config, "spawn_targets.allow"),
                                    sr::net::ReadCidrList(config, "spawn_targets.deny"));
  routes.targets = spawn.targets;
  config.Finish();
  return settings;
}

class SpawnerRegistryPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"spawner-registry",
            "1.0.0",
            "The registry of game-server spawners: registration, heartbeats, expiry, spawn proxy",
            // Version 2's table is also version 1's: plugins asking for 1 get it as well.
            {sr::Service(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2),
             sr::Service(SR_SPAWNER_CREDENTIALS_SERVICE, SR_SPAWNER_CREDENTIALS_VERSION)},
            {},
            {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)}};
  }

  void Init(sr::Host& host) override {
    Settings settings = ReadSettings(host.config());
    events_ = std::make_unique<HostEventSink>(host);
    settings.routes.heartbeats = events_->metrics.heartbeats;
    if (const auto* kv = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)) {
      store_ = std::make_unique<KvRegistryStore>(*kv);
    }
    const bool clustered = store_ != nullptr && store_->clustered();
    // The other masters learn of heartbeats only through the store, and their sweeper judges
    // liveness by what they learned.
    if (clustered && settings.flush_interval > kMaxClusterFlushInterval) {
      throw sr::Error(std::string("heartbeat_flush_interval (")
                          .append(std::to_string(settings.flush_interval.count()))
                          .append(" ms) must be at most 1s when several masters share the "
                                  "kv-store"),
                      SR_ERR_INVALID_ARGUMENT);
    }
    registry_ = std::make_unique<Registry>(settings.registry, store_.get(), *events_, clock_);
    auto summary = registry_->Load([&host](const std::string& warning) { host.Warn(warning); });
    spawn_client_ = std::make_unique<SpawnClient>(settings.spawn);
    directory_ = std::make_unique<SpawnerDirectoryService>(*registry_);
    host.Provide(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2,
                 directory_->vtable());
    credentials_ = std::make_unique<SpawnerCredentialsService>(*registry_);
    host.Provide(SR_SPAWNER_CREDENTIALS_SERVICE, SR_SPAWNER_CREDENTIALS_VERSION,
                 credentials_->vtable());
    routes_ = std::make_unique<SpawnerRoutes>(host, *registry_, *spawn_client_,
                                              std::move(settings.routes));
    routes_->Add();
    leading_ = !clustered;  // so that the first sweep that leads says so
    flush_task_ = host.Every("spawner write-behind", settings.flush_interval,
                             [this] { registry_->FlushDirty(); });
    sweep_task_ =
        host.Every("spawner expiry", settings.sweep_interval, [this, &host] { Sweep(host); });
    if (clustered) {
      host.Info(std::string("cluster mode (a kv-store shared by several masters): ")
                    .append(std::to_string(summary.spawners))
                    .append(" spawner(s) loaded; ids from the sequence 'spawner_id'; heartbeats "
                            "written every ")
                    .append(std::to_string(settings.flush_interval.count()))
                    .append(" ms; expiry sweeps by the holder of the lease 'spawner-sweeper'"));
    } else if (store_ != nullptr) {
      host.Info("persistent (kv-store): " + std::to_string(summary.spawners) +
                " spawner(s) restored, next id " + std::to_string(summary.next_id) +
                "; heartbeats written every " + std::to_string(settings.flush_interval.count()) +
                " ms");
    } else {
      host.Info(
          "running in memory: no kv-store service is enabled, so spawners and ids are "
          "lost at restart (enable sqlite-store to keep them)");
    }
  }

  void ReportMemory(sr::MemoryReport& report) const override {
    report.Add("spawners", registry_->MemoryBytes());
    report.Add("list cache", registry_->list().CachedBytes() + routes_->CompressedListBytes());
  }

  // The host has cancelled and joined our tasks: stop following the other masters (the watch
  // must end before the provider stops), then write the last heartbeats.
  void Stop() override {
    registry_->StopWatching();
    registry_->FlushDirty();
    spawn_client_->Stop();
  }

 private:
  // Logs removals, leadership changes, and a failing store once per change, not once per
  // sweep.
  void Sweep(sr::Host& host) {
    auto sweep = registry_->SweepExpired();
    if (sweep.leading != leading_) {
      host.Info(sweep.leading ? "this master now runs the expiry sweep (lease 'spawner-sweeper')"
                              : "this master no longer runs the expiry sweep (another master holds the "
                                "lease 'spawner-sweeper', or the database is unreachable)");
      leading_ = sweep.leading;
    }
    if (sweep.removed > 0) host.Info(std::to_string(sweep.removed) + " spawner(s) expired");
    if (sweep.error == last_sweep_error_) return;
    if (sweep.error.empty()) {
      host.Info("expiry sweeps remove spawners again");
    } else {
      host.Warn("expiry sweep stopped, expired spawners stay until the store accepts writes: " +
                sweep.error);
    }
    last_sweep_error_ = sweep.error;
  }

  SystemClock clock_;
  std::unique_ptr<HostEventSink> events_;
  std::unique_ptr<KvRegistryStore> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<SpawnClient> spawn_client_;
  std::unique_ptr<SpawnerDirectoryService> directory_;
  std::unique_ptr<SpawnerCredentialsService> credentials_;
  std::unique_ptr<SpawnerRoutes> routes_;
  std::string last_sweep_error_;  // the sweep task's own
  bool leading_ = false;          // the sweep task's own: whether the last sweep led
  sr::Task flush_task_;
  sr::Task sweep_task_;
};

}  // namespace

SR_DECLARE_PLUGIN(SpawnerRegistryPlugin)
