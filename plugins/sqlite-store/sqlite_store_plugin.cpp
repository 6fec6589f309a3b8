// sqlite-store: durable storage for other plugins, over SQLite in WAL mode.
//
// Provides: service "kv-store" v1 (sr/services/kv_store.h): namespaced, ordered key-value
//           storage with atomic batches, synchronous writes and asynchronous writes that a
//           single writer thread group-commits. Writes that cannot be committed (disk full,
//           read-only, I/O error) answer SR_ERR_UNAVAILABLE; reads keep working.
// Routes:   none.  Tasks: none (the writer is the store's own thread).  Events: none.
// Config:
//   path              database file; default $DB_PATH, else data/registry.db; relative
//                     paths resolve against the folder of plugins.yaml; folders are created
//   synchronous       full (default: every commit survives power loss) | normal (survives a
//                     crash of the process; a power loss may lose the last commits)
//   busy_timeout      how long a write waits for a lock held by another process (5s)
//   read_connections  connections used for reads, 1-16 (2)
//   cache_size        page cache per connection (1MiB)
//   max_size          largest database file; writes beyond fail as "disk full" (0: none)
// Health:   degraded (ABI 1.4, GET /health) while writes fail, with the database's path and
//           the reason; healthy again once a write commits.
// Start-up fails, naming the path, when the file is not a SQLite database, is corrupt, is
// read-only, belongs to another application or has a newer schema.
#include <sqlite3.h>
#include <cstdlib>
#include <memory>
#include <sr/metrics.hpp>
#include <sr/plugin.hpp>

#include "kv_store.h"
#include "kv_store_service.h"

namespace {

using sr::sqlite_store::KvStore;
using sr::sqlite_store::KvStoreService;
using sr::sqlite_store::LogLevel;
using sr::sqlite_store::StoreOptions;
using sr::sqlite_store::SyncMode;

constexpr std::string_view kDefaultPath = "data/registry.db";

StoreOptions ReadOptions(sr::Config& config) {
  StoreOptions options;
  const char* env_path = std::getenv("DB_PATH");
  std::string fallback =
      env_path != nullptr && *env_path != '\0' ? env_path : std::string(kDefaultPath);
  options.path = config.Path("path", fallback);
  std::string synchronous = config.String("synchronous", "full");
  if (synchronous == "full") {
    options.synchronous = SyncMode::kFull;
  } else if (synchronous == "normal") {
    options.synchronous = SyncMode::kNormal;
  } else {
    throw sr::Error(
        "config key 'synchronous' must be 'full' or 'normal', not '" + synchronous + "'",
        SR_ERR_INVALID_ARGUMENT);
  }
  options.busy_timeout = config.Duration("busy_timeout", options.busy_timeout,
                                         std::chrono::milliseconds(0), std::chrono::minutes(5));
  options.read_connections =
      static_cast<int>(config.Int("read_connections", options.read_connections, 1, 16));
  options.cache_bytes = static_cast<std::int64_t>(
      config.Bytes("cache_size", static_cast<std::uint64_t>(options.cache_bytes), 64 << 10,
                   std::uint64_t{1} << 32));
  options.max_size_bytes = config.Bytes("max_size", 0);
  config.Finish();
  return options;
}

class SqliteStorePlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"sqlite-store",
            "1.0.0",
            "Durable key-value storage for other plugins, over SQLite",
            {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)},
            {},
            {}};
  }

  void Init(sr::Host& host) override {
    StoreOptions options = ReadOptions(host.config());
    sr::Histogram commit_seconds =
        sr::Histograms(host, "spawner_registry_store_commit_seconds",
                       "Time of one group commit of sqlite-store (one transaction, one sync).", {},
                       {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})
            .With({});
    options.on_commit = [commit_seconds](auto took) { commit_seconds.Observe(took.count()); };
    // GET /health says "degraded" while writes fail (the registry then answers 503 to
    // registrations), and healthy again after the next write that commits.
    options.on_health = [&host, path = options.path](bool healthy, const std::string& reason) {
      host.SetHealth(!healthy, healthy ? std::string() : std::string("cannot write database '")
                                                             .append(path)
                                                             .append("': ")
                                                             .append(reason));
    };
    auto log = [&host](LogLevel level, const std::string& message) {
      switch (level) {
        case LogLevel::kInfo:
          host.Info(message);
          break;
        case LogLevel::kWarn:
          host.Warn(message);
          break;
        case LogLevel::kError:
          host.LogError(message);
          break;
      }
    };
    try {
      store_ = std::make_unique<KvStore>(options, log);
    } catch (const sr::sqlite_store::StoreOpenError& e) {
      throw sr::Error(e.what(), SR_ERR_UNAVAILABLE);
    }
    service_ = std::make_unique<KvStoreService>(*store_);
    host.Provide(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION, service_->vtable());
    host.Info("database '" + store_->path() + "' open (schema version " +
              std::to_string(store_->schema_version()) + ", WAL, synchronous=" +
              (options.synchronous == SyncMode::kFull ? "full" : "normal") + ")");
  }

  // Users stop first (reverse start order); what they flushed is committed here.
  void Stop() override { store_->Close(); }

  // SQLite's own heap (page caches of the writer and the readers, statements): the library
  // counts it, and nothing else in the process uses SQLite through this plugin's copy.
  void ReportMemory(sr::MemoryReport& report) const override {
    report.Add("sqlite", static_cast<std::uint64_t>(sqlite3_memory_used()));
  }

 private:
  std::unique_ptr<KvStore> store_;
  std::unique_ptr<KvStoreService> service_;
};

}  // namespace

SR_DECLARE_PLUGIN(SqliteStorePlugin)
