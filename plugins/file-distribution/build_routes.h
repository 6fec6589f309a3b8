// The operators' side: resumable uploads, the list of kept builds and activation. On a master
// of a cluster (`cluster` not null) the list and the current build are the cluster's, a
// commit stores the build in the shared database before answering, and both answer 503 while
// the database is unreachable.
#pragma once

#include <cstdint>
#include <optional>
#include <sr/plugin.hpp>
#include <string>

#include "build_events.h"
#include "build_store.h"
#include "cluster_builds.h"
#include "served_build.h"
#include "upload_store.h"

namespace sr::file_distribution {

class BuildRoutes {
 public:
  BuildRoutes(sr::Host& host, BuildStore& builds, UploadStore& uploads, ServedBuild& served,
              BuildEvents& events, ClusterBuilds* cluster, std::uint64_t chunk_size,
              bool operators_can_activate);
  BuildRoutes(const BuildRoutes&) = delete;
  BuildRoutes& operator=(const BuildRoutes&) = delete;

  void Add();

 private:
  void CreateUpload(sr::Request& request, sr::Response& response);
  void AppendChunk(sr::Request& request, sr::Response& response);
  void ShowUpload(sr::Request& request, sr::Response& response);
  void Commit(sr::Request& request, sr::Response& response);
  void AbortUpload(sr::Request& request, sr::Response& response);
  void ListBuilds(sr::Request& request, sr::Response& response);
  void AnswerList(sr::Response& response, const std::optional<std::string>& current);
  void ActivateBuild(sr::Request& request, sr::Response& response);
  Result<Activation> Activate(const std::string& version, const std::string& actor);

  sr::Host& host_;
  BuildStore& builds_;
  UploadStore& uploads_;
  ServedBuild& served_;
  BuildEvents& events_;
  ClusterBuilds* cluster_;
  std::uint64_t chunk_size_;
  bool operators_can_activate_;
};

}  // namespace sr::file_distribution
