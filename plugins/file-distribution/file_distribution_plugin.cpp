// file-distribution: ships the game server build to spawners, and keeps the builds
// operators upload (docs/wire-contract.md, "Spawners"; plugins/file-distribution/README.md).
//
// Routes (guards as provided by the auth plugin):
//   GET    /api/spawners/download                 api-key
//          the current build (HEAD too): 200, 206 (Range), 304 (If-None-Match), 416;
//          404 JSON when there is none
//   GET    /api/spawners/download/manifest        api-key|session:viewer
//          {version, size, sha256, uploaded_at}
//   POST   /api/builds/uploads                    session:operator|api-key:operator
//          {version, size, sha256} -> 201 {upload_id, chunk_size, received, size, ...}
//   PUT    /api/builds/uploads/{id}?offset=N      session:operator|api-key:operator
//          raw chunk -> {received}; 409 {error, received} when N is not where it continues
//   GET    /api/builds/uploads/{id}               session:operator|api-key:operator
//   POST   /api/builds/uploads/{id}/commit        session:operator|api-key:operator
//          -> 201 build, current when an admin commits (or operators_can_activate), else
//          stored only with how to activate it; 422 when the size, digest or zip is wrong
//   DELETE /api/builds/uploads/{id}               session:operator|api-key:operator
//   GET    /api/builds                            session:viewer|api-key:operator
//          {current, builds: [...]}
//   POST   /api/builds/{version}/activate         session:admin|api-key:admin
// Tasks:
//   "upload expiry"           every upload_expiry / 4 (1 s to 10 min): drops idle uploads
//   "build digest"            one-shot: SHA-256 of a served file not seen before (placed by hand)
//   "served build check"      one-shot at start: learns the served file before the first request
//   On a master of a cluster (cluster_mode.h):
//   "build fetch"             one-shot: brings the served file up to the cluster's current build
//   "build removal"           one-shot: drops the copy of a build another master pruned
//   "abandoned build chunks"  every 10 min, on the lease holder: chunks a dead commit left
// Events published (in a cluster, also for the other masters' uploads and switches):
//   build.uploaded   {version,size,sha256,uploaded_by,uploaded_at}
//   build.activated  {version,sha256,size,previous,activated_by}  (a commit that made the
//                    build current, activate, hand-placed)
//   audit.record     build.upload, build.upload_rejected, build.upload_abort,
//                    build.upload_expired, build.activate, build.manual
// Services used: kv-store (optional). When its provider is clustered (several masters on one
//   database, e.g. postgres-store), builds live in the shared store: see cluster_mode.h.
// Config:
//   dir ("files", beside plugins.yaml), chunk_size (8MiB), keep_builds (5),
//   upload_expiry (24h), max_build_bytes (8GiB), max_uploads (4), operators_can_activate (false)
#include <algorithm>
#include <chrono>
#include <memory>
#include <sr/plugin.hpp>

#include "build_events.h"
#include "build_folder.h"
#include "build_resolver.h"
#include "build_routes.h"
#include "build_store.h"
#include "cluster_mode.h"
#include "download_routes.h"
#include "served_build.h"
#include "time_format.h"
#include "upload_store.h"

namespace {

using namespace std::chrono_literals;
using sr::file_distribution::BuildEvents;
using sr::file_distribution::BuildFolder;
using sr::file_distribution::BuildResolver;
using sr::file_distribution::BuildRoutes;
using sr::file_distribution::BuildStore;
using sr::file_distribution::ClusterMode;
using sr::file_distribution::DownloadRoutes;
using sr::file_distribution::kServedFileName;
using sr::file_distribution::OpenedBuild;
using sr::file_distribution::RecordedDigest;
using sr::file_distribution::ResolvedBuild;
using sr::file_distribution::Result;
using sr::file_distribution::ServedBuild;
using sr::file_distribution::UploadLimits;
using sr::file_distribution::UploadStore;

struct Settings {
  std::string dir;
  std::uint64_t chunk_size = 8 << 20;
  std::size_t keep_builds = 5;
  std::chrono::milliseconds upload_expiry = 24h;
  UploadLimits limits;
  bool operators_can_activate = false;
};

Settings ReadSettings(sr::Config& config) {
  Settings settings;
  settings.dir = config.Path("dir", "files");
  settings.chunk_size =
      config.Bytes("chunk_size", settings.chunk_size, 64 << 10, std::uint64_t{256} << 20);
  settings.keep_builds = static_cast<std::size_t>(config.Int("keep_builds", 5, 1, 1000));
  settings.upload_expiry = config.Duration("upload_expiry", settings.upload_expiry, 1s, 24h * 30);
  settings.limits.max_build_bytes = config.Bytes("max_build_bytes", settings.limits.max_build_bytes,
                                                 1 << 10, std::uint64_t{1} << 50);
  settings.limits.max_uploads = static_cast<std::size_t>(config.Int("max_uploads", 4, 1, 64));
  settings.operators_can_activate = config.Bool("operators_can_activate", false);
  config.Finish();
  return settings;
}

class FileDistributionPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    return {"file-distribution",
            "1.0.0",
            "Serves the game server build to spawners; resumable uploads of new builds",
            {},
            {},
            {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)}};
  }

  void Init(sr::Host& host) override {
    host_ = &host;
    Settings settings = ReadSettings(host.config());
    upload_expiry_ = settings.upload_expiry;
    std::vector<std::string> warnings;
    Result<BuildFolder> folder = BuildFolder::Open(settings.dir, warnings);
    if (!folder.has_value()) throw sr::Error(folder.error().message, SR_ERR_UNAVAILABLE);
    folder_ = std::make_unique<BuildFolder>(std::move(folder.value()));
    store_ = std::make_unique<BuildStore>(*folder_, settings.keep_builds);
    uploads_ = std::make_unique<UploadStore>(folder_->uploads_fd(), settings.limits);
    for (const auto& batch : {warnings, store_->Load(), uploads_->Load()}) {
      for (const std::string& warning : batch) host.Warn(warning);
    }
    events_ = std::make_unique<BuildEvents>(host);
    resolver_ = std::make_unique<BuildResolver>(
        *store_, [&host](std::function<void()> job) { host.Run("build digest", std::move(job)); },
        [this](const RecordedDigest& recorded) { OnHandPlacedBuild(recorded); });
    cluster_ = ClusterMode::Open(host, *folder_, *store_, *events_, settings.keep_builds);
    served_ = std::make_unique<ServedBuild>(host, *store_, *resolver_,
                                            cluster_ ? &cluster_->sync() : nullptr);
    downloads_ = std::make_unique<DownloadRoutes>(host, *served_, folder_->path().string());
    downloads_->Add();
    builds_ = std::make_unique<BuildRoutes>(host, *store_, *uploads_, *served_, *events_,
                                            cluster_ ? &cluster_->builds() : nullptr,
                                            settings.chunk_size, settings.operators_can_activate);
    builds_->Add();
    auto sweep_period =
        std::clamp<std::chrono::milliseconds>(settings.upload_expiry / 4, 1s, 10min);
    expiry_task_ = host.Every("upload expiry", sweep_period, [this] { ExpireUploads(); });
    host.Info("serving " + (folder_->path() / kServedFileName).string() + "; " +
              std::to_string(store_->Builds().size()) + " kept build(s), " +
              std::to_string(uploads_->Count()) + " upload(s) in progress");
    if (cluster_) {
      host.Info(std::string("cluster mode: builds are shared through the kv-store, ") +
                std::to_string(cluster_->builds().catalog().Builds().size()) +
                " build(s) in the cluster");
    }
  }

  void Start() override {
    host_->Run("served build check", [this] { LearnServedBuild(); });
  }

  void Stop() override {
    if (cluster_) cluster_->Stop();
  }

 private:
  // Hashes a served file nobody uploaded now rather than in the first spawner's request.
  void LearnServedBuild() {
    Result<OpenedBuild> opened = store_->OpenServed();
    if (!opened.has_value()) {
      host_->Info("not serving a build yet: " + opened.error().message);
      return;
    }
    resolver_->Resolve(std::move(opened.value()), [this](Result<ResolvedBuild> resolved) {
      if (resolved.has_value()) {
        host_->Info("serving build " + resolved.value().build.version);
      } else {
        host_->Warn("cannot identify the served build: " + resolved.error().message);
      }
    });
  }

  void OnHandPlacedBuild(const RecordedDigest& recorded) {
    const auto& build = recorded.build;
    if (!recorded.warning.empty()) host_->Warn(recorded.warning);
    host_->Info("serving build " + build.version + ", placed by hand (sha256 " + build.sha256 +
                ")");
    events_->Activated(build, std::nullopt, build.uploaded_by);
    events_->Audit(build.uploaded_by, "build.manual", build.version, "",
                   "game_server.zip placed by hand, size " + std::to_string(build.size));
  }

  void ExpireUploads() {
    auto idle_seconds = std::chrono::duration_cast<std::chrono::seconds>(upload_expiry_).count();
    auto cutoff = sr::file_distribution::UnixNow() - idle_seconds;
    for (const auto& upload : uploads_->ExpireIdleSince(cutoff)) {
      host_->Info("upload " + upload.upload_id + " of build " + upload.version + " expired after " +
                  std::to_string(upload.received) + " of " + std::to_string(upload.size) +
                  " bytes");
      events_->Audit("system", "build.upload_expired", upload.version, "",
                     "upload " + upload.upload_id + " by " + upload.uploaded_by);
    }
  }

  sr::Host* host_ = nullptr;
  std::chrono::milliseconds upload_expiry_{0};
  std::unique_ptr<BuildFolder> folder_;
  std::unique_ptr<BuildStore> store_;
  std::unique_ptr<UploadStore> uploads_;
  std::unique_ptr<BuildEvents> events_;
  std::unique_ptr<BuildResolver> resolver_;
  std::unique_ptr<ClusterMode> cluster_;  // null on a single master
  std::unique_ptr<ServedBuild> served_;
  std::unique_ptr<DownloadRoutes> downloads_;
  std::unique_ptr<BuildRoutes> builds_;
  sr::Task expiry_task_;
};

}  // namespace

SR_DECLARE_PLUGIN(FileDistributionPlugin)
