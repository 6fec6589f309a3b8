// What a master knows of the cluster's builds: the metadata rows of the "builds" namespace
// and the current-build pointer (cluster_rows.h), from the initial scan, this master's own
// writes and the other masters' changes. Applying a row tells what changed, so that the
// build.* events fire on every master; a row seen twice (the watch may repeat what the scan
// saw) changes nothing. THREAD: any.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster_rows.h"

namespace sr::file_distribution {

struct CatalogChange {
  enum class Kind { kAdded, kRemoved, kActivated };
  Kind kind = Kind::kAdded;
  BuildRecord build;
  std::optional<std::string> previous;  // kActivated: the version current before
  std::string activated_by;             // kActivated
};

class ClusterCatalog {
 public:
  // One row of the "builds" namespace (`deleted`: the key is gone). A damaged row is ignored
  // and described in `warning`.
  std::vector<CatalogChange> Apply(std::string_view key, std::string_view value, bool deleted,
                                   std::string& warning);

  std::optional<ClusterBuild> Find(std::string_view version) const;
  std::vector<ClusterBuild> Builds() const;  // newest (highest id) first
  std::optional<CurrentPointer> Current() const;
  // The current build, once both the pointer and its metadata row are known.
  std::optional<ClusterBuild> CurrentBuild() const;

 private:
  std::vector<CatalogChange> ApplyBuild(const std::string& version, std::string_view value,
                                        bool deleted, std::string& warning);
  std::vector<CatalogChange> ApplyCurrent(std::string_view value, bool deleted,
                                          std::string& warning);
  CatalogChange Activation() const;  // of current_, whose build is known

  mutable std::mutex mutex_;
  std::map<std::string, ClusterBuild, std::less<>> builds_;
  std::optional<CurrentPointer> current_;
  // The pointer named a build whose row had not arrived: announce it with the row.
  bool activation_pending_ = false;
};

}  // namespace sr::file_distribution
