// Keeps a master's served file the cluster's current build (cluster_builds.h). The copy on
// this master's disk is fetched from the store on first use: the first request that finds the
// served file behind the cluster runs one sync on the executor (a worker thread), and every
// request arriving meanwhile waits for that same run, so concurrent first downloads fetch
// once. A fetched build is written under a temporary name in builds/, checked against its
// SHA-256 and only then installed and served; a mismatch is never served.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "build_folder.h"
#include "build_store.h"
#include "cluster_builds.h"
#include "result.h"

namespace sr::file_distribution {

class CurrentSync {
 public:
  using Executor = std::function<void(std::function<void()>)>;
  using Callback = std::function<void(Status)>;

  CurrentSync(const BuildFolder& folder, BuildStore& local, ClusterBuilds& cluster,
              Executor executor);
  CurrentSync(const CurrentSync&) = delete;
  CurrentSync& operator=(const CurrentSync&) = delete;

  // True when `served` (the build the served file is, if known) is the cluster's current
  // build, or the cluster has none yet (then the folder is served as by a single master).
  // Reads memory only: downloads keep working while the database is unreachable.
  bool InSync(const std::optional<BuildRecord>& served) const;

  // Makes the served file the cluster's current build, then calls `done` on the executor's
  // thread (or on the caller's, with kUnavailable, when the executor refuses work).
  void Sync(Callback done);

  // Builds fetched from the store so far.
  std::uint64_t fetches() const;

 private:
  void Drain();
  Status SyncOnce();
  // Fetches `build` into builds/ under a temporary name; returns that name once verified.
  Result<std::string> Fetch(const ClusterBuild& build);

  const BuildFolder& folder_;
  BuildStore& local_;
  ClusterBuilds& cluster_;
  Executor executor_;
  mutable std::mutex mutex_;
  std::vector<Callback> waiters_;
  bool running_ = false;
  std::uint64_t fetches_ = 0;
};

}  // namespace sr::file_distribution
