// postgres-store: storage shared by several masters, over PostgreSQL (libpq).
//
// Provides: service "kv-store" v2 (sr/services/kv_store.h), which also answers lookups of v1:
//           namespaced, ordered key-value storage with atomic batches (group-committed by one
//           writer thread), cluster-wide sequences, watches of the other masters' changes
//           (LISTEN/NOTIFY plus a periodic resync), leases (advisory locks) and SR_KV_UPDATE.
//           Every master whose postgres-store points at the same database is one cluster.
//           While the database is unreachable, reads and writes answer SR_ERR_UNAVAILABLE at
//           once, healthy() is 0, and the connections come back with a backoff (100 ms to 5 s).
// Routes:   GET /api/cluster  session:viewer|api-key:operator  this host, the database's health
//                                                               and every master (sr_hosts)
// Tasks:    none (the store's threads: writer, change feed, host heartbeat).  Events: none.
// Health:   degraded (ABI 1.4, GET /health) while the database cannot be reached, with libpq's
//           reason; healthy again once it answers.
// Config:
//   conninfo         required: a libpq URI or key=value string, typically ${DATABASE_URL}
//   host_name        this master's name in the cluster (default <hostname>:<port>, the port
//                    the server listens on; the process id on a host older than ABI 1.4);
//                    must be unique among the masters
//   resync_interval  how often watches look for changes without a notification (500ms)
//   readers          connections for reads and sequences, 1-64 (4)
// Start-up fails, naming the database's answer, when it cannot be reached or refuses the
// schema, and when another live master already uses this host_name.
#include <unistd.h>

#include <array>
#include <memory>
#include <sr/metrics.hpp>
#include <sr/plugin.hpp>

#include "kv_store.h"
#include "kv_store_service.h"

namespace {

using sr::postgres_store::KvStore;
using sr::postgres_store::KvStoreService;
using sr::postgres_store::StoreOptions;

constexpr const char* kVersion = "1.0.0";

std::string MachineName() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

// A name for sr_hosts when none is configured: the machine and where this master listens,
// unique as long as two masters do not share both.
std::string DefaultHostName(const std::string& endpoint) {
  std::string port;
  std::size_t colon = endpoint.rfind(':');
  if (colon != std::string::npos) port = endpoint.substr(colon + 1);
  if (port.empty() || port == "0") port = std::to_string(::getpid());
  return MachineName().append(":").append(port);
}

bool IsPrintable(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

StoreOptions ReadOptions(sr::Config& config, const std::string& endpoint) {
  StoreOptions options;
  options.conninfo = config.String("conninfo");
  if (options.conninfo.empty()) {
    config.Reject("conninfo",
                  "is required: the PostgreSQL database as a libpq URI or key=value string, "
                  "e.g. conninfo: ${DATABASE_URL} (is DATABASE_URL set?)");
  }
  options.host_name = config.String("host_name", DefaultHostName(endpoint));
  if (options.host_name.empty() || options.host_name.size() > 128 ||
      !IsPrintable(options.host_name)) {
    config.Reject("host_name", "must be 1-128 printable characters, unique among the masters");
  }
  options.resync_interval = config.Duration("resync_interval", options.resync_interval,
                                            std::chrono::milliseconds(50), std::chrono::minutes(1));
  options.readers = static_cast<int>(config.Int("readers", options.readers, 1, 64));
  config.Finish();
  options.address = endpoint;
  options.version = kVersion;
  return options;
}

class PostgresStorePlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"postgres-store",
            kVersion,
            "Storage shared by several masters, over PostgreSQL",
            {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION_2)},
            {},
            {}};
  }

  void Init(sr::Host& host) override {
    StoreOptions options = ReadOptions(host.config(), host.ServerEndpoint());
    sr::Histogram commit_seconds =
        sr::Histograms(host, "spawner_registry_store_commit_seconds",
                       "Time of one group commit of postgres-store (one transaction).", {},
                       {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})
            .With({});
    sr::Histogram batch_ops =
        sr::Histograms(host, "spawner_registry_store_commit_operations",
                       "Operations written by one group commit of postgres-store.", {},
                       {1, 2, 5, 10, 50, 100, 500, 1000, 5000, 20000})
            .With({});
    options.on_commit = [commit_seconds, batch_ops](auto took, std::size_t ops) {
      commit_seconds.Observe(took.count());
      batch_ops.Observe(static_cast<double>(ops));
    };
    // GET /health says "degraded" while the database cannot be reached (writes answer 503
    // meanwhile), and healthy again once it answers.
    options.on_health = [&host](bool healthy, const std::string& error) {
      if (healthy) {
        host.SetHealth(false, {});
        host.Info("database reachable again");
      } else {
        std::string reason = std::string("database unreachable: ").append(error);
        host.SetHealth(true, reason);
        host.Warn(reason);
      }
    };
    try {
      store_ = std::make_unique<KvStore>(options);
    } catch (const sr::postgres_store::StoreOpenError& e) {
      throw sr::Error(e.what(), SR_ERR_UNAVAILABLE);
    }
    service_ = std::make_unique<KvStoreService>(*store_);
    host.Provide(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION_2, service_->vtable());
    host.Route("GET", "/api/cluster", "session:viewer|api-key:operator",
               [this](sr::Request&, sr::Response& response) {
                 response.AddHeader("Cache-Control", "no-store");
                 response.Json(200, sr::postgres_store::ClusterJson(store_->Cluster()));
               });
    host.Info(
        std::string("database open; this master is '").append(store_->host_name()).append("'"));
  }

  // Users stop first (reverse start order); what they flushed is committed here.
  void Stop() override { store_->Close(); }

  // What waits for the database in this process: the data lives in PostgreSQL. Read
  // concurrently with the writer, through an atomic counter.
  void ReportMemory(sr::MemoryReport& report) const override {
    report.Add("write_queue", store_->queued_write_bytes());
  }

 private:
  std::unique_ptr<KvStore> store_;
  std::unique_ptr<KvStoreService> service_;
};

}  // namespace

SR_DECLARE_PLUGIN(PostgresStorePlugin)
