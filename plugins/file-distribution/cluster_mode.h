// file-distribution on a master of a cluster (a kv-store whose provider is clustered, e.g.
// postgres-store): the builds live in the shared store (cluster_builds.h), this master serves
// a verified copy fetched on first use (current_sync.h), and the other masters' uploads and
// current-build switches become this master's build.uploaded and build.activated events, so
// its dashboard follows. A build the cluster deleted leaves this disk too. Task "abandoned
// build chunks" (every 10 min, on the master holding the sweeper lease): deletes the chunks a
// commit or pruning left half-way for over an hour.
#pragma once

#include <cstddef>
#include <memory>
#include <sr/plugin.hpp>
#include <sr/services/kv_store.hpp>

#include "build_events.h"
#include "build_folder.h"
#include "build_store.h"
#include "cluster_builds.h"
#include "current_sync.h"

namespace sr::file_distribution {

class ClusterMode {
 public:
  // nullptr when the kv-store is absent or not clustered (a single master: nothing changes).
  // Throws sr::Error when the shared store cannot be read.
  static std::unique_ptr<ClusterMode> Open(sr::Host& host, const BuildFolder& folder,
                                           BuildStore& local, BuildEvents& events,
                                           std::size_t keep_builds);

  ClusterMode(sr::Host& host, const sr_kv_store_v1& service, const BuildFolder& folder,
              BuildStore& local, BuildEvents& events, std::size_t keep_builds);
  ClusterMode(const ClusterMode&) = delete;
  ClusterMode& operator=(const ClusterMode&) = delete;

  ClusterBuilds& builds() { return *builds_; }
  CurrentSync& sync() { return *sync_; }

  // Ends the watch; at on_plugin_stop at the latest (kv_store.h).
  void Stop() { builds_->Stop(); }

 private:
  void OnChanges(const std::vector<CatalogChange>& changes);

  sr::Host& host_;
  BuildStore& local_;
  BuildEvents& events_;
  sr::KvStore store_;
  std::unique_ptr<ClusterBuilds> builds_;
  std::unique_ptr<CurrentSync> sync_;
  sr::Task sweep_task_;
};

}  // namespace sr::file_distribution
