// Turns a complete upload into a kept build: checks its size, SHA-256 and zip (entries
// included), then hands the file to the build store, which serves it when `mode` says so. Reads the
// whole upload once (for the digest); call it off the I/O threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "build_store.h"
#include "result.h"
#include "upload_store.h"

namespace sr::file_distribution {

struct CommittedBuild {
  Activation activation;
  std::uint64_t zip_entries = 0;
};

// Called once the upload passed every check, before it is installed here: in a cluster it
// stores the bytes and the metadata in the shared database (cluster_builds.h). A failure
// leaves the upload as it is, so the commit can be retried.
using BuildPublisher =
    std::function<Status(int part_fd, const BuildRecord& build, InstallMode mode)>;

// kNotFound (no such upload), kConflict (being committed, or the version exists meanwhile),
// kUnprocessable (incomplete: the upload stays; wrong digest or not a usable zip: the upload
// is discarded), or an I/O error (the upload stays, the commit can be retried).
Result<CommittedBuild> CommitUpload(UploadStore& uploads, BuildStore& builds,
                                    std::string_view upload_id, std::int64_t now_unix_seconds,
                                    InstallMode mode, const BuildPublisher& publish = nullptr);

}  // namespace sr::file_distribution
