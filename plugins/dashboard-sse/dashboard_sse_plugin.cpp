// dashboard-sse: the live operations dashboard: pages, assets, the event stream and the JSON
// of its polling fallback.
//
// Routes (guards provided by the auth plugin):
//   GET /, /dashboard        session:viewer    the dashboard page (web/pages/dashboard.html)
//   GET /errors              session:viewer    the error log page
//   GET /instances           session:viewer    game instances (game-instances plugin's API)
//   GET /builds              session:operator  builds: upload, list, make current
//   GET /users               session:admin     user management
//   GET /audit               session:admin     the audit log
//   GET /assets/{path*}      public            web/assets/* and web/vendor/* (as /assets/vendor/*)
//   GET /favicon.ico         public            web/assets/img/favicon.svg
//   GET /events              session:viewer    SSE, stream group "dashboard": hello, stats,
//                                              spawners (delta), spawner, http_error,
//                                              instances, allocation_failed
//   GET /api/stats           session:viewer    the latest stats sample
//   GET /api/stats/history   session:viewer    samples of the last history_window, per series
//   GET /api/errors          session:viewer    the host's error log, newest first, filtered
// Tasks:
//   "dashboard stats"     every stats_interval: samples host, fleet and machine; `stats`
//   "dashboard spawners"  every spawners_interval: what changed since the last tick; `spawners`
//   "dashboard changes"   every flush_interval: coalesced `spawner`, `http_error`,
//                         `instances` and `allocation_failed` events
//   "dashboard assets"    every assets_reload_interval: reloads web files changed on disk
// Events consumed: spawner.registered, spawner.updated, spawner.removed, http.error,
//   auth.session_ended (closes the /events streams of that session), instance.started,
//   instance.stopped, allocation.failed (forwarded, and counted into the allocation stats).
// Services: uses "spawner-directory" v2 and "kv-store" v1 (for db_connected), both optional.
// Config: web_root (web), disk_path (the data folder), stats_interval (1s),
//   spawners_interval (2s), flush_interval (250ms), history_window (15m),
//   assets_reload_interval (2s, 0 = never), keepalive (15s), max_clients (10000),
//   replay_events (256), replay_bytes (1MiB), max_queued_bytes (8MiB), max_pending_changes (500),
//   max_pending_errors (100).
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <filesystem>
#include <memory>
#include <sr/plugin.hpp>

#include "dashboard_settings.h"
#include "live_feed.h"
#include "page_routes.h"
#include "static_files.h"

namespace sr::dashboard {

namespace {

std::vector<StaticMount> WebMounts(const std::filesystem::path& web_root) {
  return {{"/pages", web_root / "pages"},
          {"/assets/vendor", web_root / "vendor"},
          {"/assets", web_root / "assets"}};
}

}  // namespace

class DashboardSse final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"dashboard-sse", "1.0.0",
                        "Live operations dashboard: pages, server-sent events, statistics"};
    info.uses = {sr::Service(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2),
                 sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)};
    return info;
  }

  void Init(sr::Host& host) override {
    DashboardSettings settings = ReadDashboardSettings(host);
    files_ = std::make_unique<StaticFileCache>(WebMounts(settings.web_root), StaticLimits{});
    auto current = files_->Current();
    for (const std::string& warning : current->warnings()) host.Warn(warning);
    host.Info("serving " + std::to_string(current->size()) + " web files (" +
              std::to_string(current->total_bytes()) + " bytes) from " + settings.web_root);
    RegisterPageRoutes(host, *files_);

    const auto* directory = host.Lookup<sr_spawner_directory_v2>(SR_SPAWNER_DIRECTORY_SERVICE,
                                                                 SR_SPAWNER_DIRECTORY_VERSION_2);
    const auto* store = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION);
    if (directory == nullptr) {
      host.Warn("no spawner-directory service (enable spawner-registry): no spawners shown");
    }
    live_ = std::make_unique<LiveFeed>(host, settings, directory, store);

    if (settings.assets_reload_interval.count() > 0) {
      reload_task_ = host.Every("dashboard assets", settings.assets_reload_interval, [this, &host] {
        if (files_->ReloadIfChanged()) host.Info("web files changed on disk: reloaded");
      });
    }
  }

  void Start() override { live_->Start(); }

  void ReportMemory(sr::MemoryReport& report) const override {
    live_->ReportMemory(report);
    report.Add("web files", files_->Current()->total_bytes());
  }

 private:
  std::unique_ptr<StaticFileCache> files_;
  std::unique_ptr<LiveFeed> live_;
  sr::Task reload_task_;
};

}  // namespace sr::dashboard

SR_DECLARE_PLUGIN(sr::dashboard::DashboardSse)
