// The JSON bodies of the API and of the events, written in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build_record.h"

namespace sr::file_distribution {

struct UploadProgress;

// {"version","size","sha256","uploaded_by","uploaded_at","current"}
std::string BuildJson(const BuildRecord& build, bool current);
// {"current": version|null, "builds": [BuildJson...]} with `builds` newest first.
std::string BuildListJson(const std::vector<BuildRecord>& builds,
                          const std::optional<std::string>& current);
// The commit's answer: BuildJson's fields, "message" (what happened and, when the build is
// not current, how to make it current), and "activate" (the activation path) when not current.
std::string CommitJson(const BuildRecord& build, bool current, std::string_view message,
                       std::string_view activate_path);
// {"version","size","sha256","uploaded_at"}: what a spawner compares before downloading.
std::string ManifestJson(const BuildRecord& build);
// {"upload_id","version","size","sha256","received","chunk_size"}
std::string UploadJson(const UploadProgress& upload, std::uint64_t chunk_size);
// {"received": N}
std::string ReceivedJson(std::uint64_t received);
// {"error": message, "received": N}: an offset conflict the client resumes from.
std::string OffsetConflictJson(std::string_view message, std::uint64_t received);

// Event payloads.
// build.uploaded: {"version","size","sha256","uploaded_by","uploaded_at"}
std::string UploadedEventJson(const BuildRecord& build);
// build.activated: {"version","sha256","size","previous": version|null,"activated_by"}
std::string ActivatedEventJson(const BuildRecord& build, const std::optional<std::string>& previous,
                               std::string_view activated_by);
// audit.record: {"actor","action","target","ip","detail"}
std::string AuditJson(std::string_view actor, std::string_view action, std::string_view target,
                      std::string_view ip, std::string_view detail);

}  // namespace sr::file_distribution
