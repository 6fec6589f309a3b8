// The builds of a cluster of masters sharing one kv-store (cluster_rows.h): publishing a
// build uploaded here (bytes first, then its metadata row, so no master ever sees a row
// without its bytes), switching the current build, pruning, fetching a build's bytes, and
// following the other masters' changes. THREAD: any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/services/kv_store.hpp>

#include "build_chunks.h"
#include "cluster_catalog.h"
#include "result.h"

namespace sr::file_distribution {

struct PublishedBuild {
  std::string version;
  std::optional<std::string> previous;  // the cluster's current version before, if any
  std::string warning;                  // to log
  // The rows written to "builds", for Adopt.
  std::vector<std::pair<std::string, std::string>> rows;
};

class ClusterBuilds {
 public:
  // Another master's changes, on the provider's change thread (must not block for long).
  using ChangeListener = std::function<void(const std::vector<CatalogChange>&)>;
  using WarningListener = std::function<void(const std::string&)>;

  // Keeps the newest `keep_builds` builds in the store (and always the current one).
  ClusterBuilds(sr::KvStore& store, std::size_t keep_builds);
  ClusterBuilds(const ClusterBuilds&) = delete;
  ClusterBuilds& operator=(const ClusterBuilds&) = delete;
  ~ClusterBuilds();

  // Watches the "builds" namespace, then reads it (in that order, so no change falls between
  // the two). Throws sr::KvStoreError when the store cannot be read.
  void Start(ChangeListener on_change, WarningListener warn);
  // Ends the watch (waiting for a change being reported).
  void Stop();

  const ClusterCatalog& catalog() const { return catalog_; }
  bool Healthy() const { return store_.Healthy(); }

  // Stores a verified build (bytes [0, build.size) of `fd`) under a new cluster-wide id, and
  // makes it current when `make_current`. kConflict when the version exists (or another master
  // took it meanwhile), kUnavailable when the store refuses (nothing is left half-written).
  // This master learns the build only through Adopt, called once its own copy is installed:
  // until then its downloads serve the build current before, and never start fetching the
  // build being installed here.
  Result<PublishedBuild> Publish(int fd, const BuildRecord& build, bool make_current,
                                 std::string_view actor);
  // Applies a published build's rows here, then prunes the oldest builds beyond keep_builds.
  // Returns a warning, empty if none.
  std::string Adopt(const PublishedBuild& published);

  // Makes a build of the cluster current: kNotFound when the cluster has no such build,
  // kUnavailable when the store refuses. Returns the change (its `previous` equals the build
  // when it was current already).
  Result<CatalogChange> Activate(std::string_view version, std::string_view actor);

  // The cluster's sweeper (on the master holding the lease "file-distribution-sweeper"):
  // deletes the chunks left by a commit or a pruning that died half-way (pending since before
  // `now_unix_seconds - max_age_seconds`). Returns how many builds' chunks it deleted; a
  // warning describes what failed.
  std::size_t SweepAbandoned(std::int64_t now_unix_seconds, std::int64_t max_age_seconds,
                             std::string& warning);

  // Writes `build`'s bytes into `fd` (empty, opened for reading and writing) and checks them
  // against its SHA-256: kUnavailable, naming both digests, when they differ.
  Status Fetch(const ClusterBuild& build, int fd);

 private:
  void ApplyOwn(std::string_view key, const std::string& value);
  // Names chunks this master wrote but no row owns as pending again (so that the sweeper finds
  // them if the deletes fail), then deletes them.
  void Withdraw(std::uint64_t id, std::uint64_t size);
  // Deletes chunks no metadata row owns, then their pending row; false if the store refused.
  bool Discard(std::uint64_t id, std::uint64_t size);
  // Deletes the oldest builds beyond keep_builds_ but `keep`; returns a warning, empty if none.
  std::string Prune(const std::string& keep);

  sr::KvStore& store_;
  std::size_t keep_builds_;
  sr_kv_namespace* builds_ns_;
  sr_kv_namespace* pending_ns_;
  BuildChunks chunks_;
  ClusterCatalog catalog_;
  ChangeListener on_change_;
  WarningListener warn_;
  sr::KvStore::Watch watch_;  // last: ends before what its callback uses
};

}  // namespace sr::file_distribution
