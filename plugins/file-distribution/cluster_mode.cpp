#include "cluster_mode.h"

#include <chrono>

#include "time_format.h"

namespace sr::file_distribution {

namespace {

// A commit writes its chunks within minutes even for the largest build: an hour-old pending
// set belongs to a master that died or lost the database half-way.
constexpr std::int64_t kAbandonedAfterSeconds = 3600;
constexpr std::chrono::minutes kSweepPeriod{10};

}  // namespace

std::unique_ptr<ClusterMode> ClusterMode::Open(sr::Host& host, const BuildFolder& folder,
                                               BuildStore& local, BuildEvents& events,
                                               std::size_t keep_builds) {
  const auto* service = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION);
  if (service == nullptr || sr::KvStore::Version2Of(*service) == nullptr) return nullptr;
  try {
    return std::make_unique<ClusterMode>(host, *service, folder, local, events, keep_builds);
  } catch (const sr::KvStoreError& error) {
    throw sr::Error(std::string("cannot read the cluster's builds: ") + error.what(),
                    SR_ERR_UNAVAILABLE);
  }
}

ClusterMode::ClusterMode(sr::Host& host, const sr_kv_store_v1& service, const BuildFolder& folder,
                         BuildStore& local, BuildEvents& events, std::size_t keep_builds)
    : host_(host), local_(local), events_(events), store_(service) {
  builds_ = std::make_unique<ClusterBuilds>(store_, keep_builds);
  sync_ = std::make_unique<CurrentSync>(
      folder, local, *builds_,
      [&host](std::function<void()> job) { host.Run("build fetch", std::move(job)); });
  builds_->Start([this](const std::vector<CatalogChange>& changes) { OnChanges(changes); },
                 [&host](const std::string& warning) { host.Warn(warning); });
  sweep_task_ = host.Every("abandoned build chunks", kSweepPeriod, [this] {
    std::string warning;
    std::size_t swept = builds_->SweepAbandoned(UnixNow(), kAbandonedAfterSeconds, warning);
    if (swept > 0)
      host_.Info(std::string("deleted the abandoned chunks of ") + std::to_string(swept) +
                 " build(s)");
    if (!warning.empty()) host_.Warn(warning);
  });
}

// On the store's change thread: events are queued by the host; disk work goes to a worker.
void ClusterMode::OnChanges(const std::vector<CatalogChange>& changes) {
  for (const CatalogChange& change : changes) {
    switch (change.kind) {
      case CatalogChange::Kind::kAdded:
        host_.Info(std::string("build ") + change.build.version +
                   " was uploaded through another master");
        events_.Uploaded(change.build);
        break;
      case CatalogChange::Kind::kActivated:
        host_.Info(std::string("build ") + change.build.version + " was made current by " +
                   change.activated_by + " through another master");
        events_.Activated(change.build, change.previous, change.activated_by);
        break;
      case CatalogChange::Kind::kRemoved:
        host_.Run("build removal", [this, version = change.build.version] {
          Status removed = local_.Remove(version);
          if (!removed.has_value()) {
            host_.Warn(std::string("cannot remove build ") + version +
                       ", deleted by another master: " + removed.error().message);
          }
        });
        break;
    }
  }
}

}  // namespace sr::file_distribution
