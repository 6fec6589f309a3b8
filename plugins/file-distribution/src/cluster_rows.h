// The rows file-distribution keeps in a shared kv-store when several masters use one database
// (README, "Several masters"):
//   "builds"        "<version>" -> {"id", "version", "size", "sha256", "uploaded_by", "uploaded_at"}
//                   ".current"  -> {"version", "previous", "activated_by"}: the build every master
//                                  serves
//   "build_chunks"  "<id: 20 digits>/<index: 10 digits>" -> bytes [index MiB, index+1 MiB) of build
//                   `id`: zero-padded, so a build's chunks sort together and in order
// A build's chunks are committed before its metadata row: a master that sees the row can fetch
// the bytes. Ids come from the cluster-wide sequence "build_id", so a version deleted and
// uploaded again never meets its old chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "build_record.h"
#include "result.h"

namespace sr::file_distribution {

inline constexpr std::string_view kBuildsNamespace = "builds";
inline constexpr std::string_view kChunksNamespace = "build_chunks";
inline constexpr std::string_view kBuildIdSequence = "build_id";
// Never a version (versions begin with a letter or digit).
inline constexpr std::string_view kCurrentKey = ".current";
inline constexpr std::uint64_t kChunkBytes = std::uint64_t{1} << 20;

struct ClusterBuild {
  std::uint64_t id = 0;  // names its chunks
  BuildRecord build;

  bool operator==(const ClusterBuild&) const = default;
};

struct CurrentPointer {
  std::string version;
  std::optional<std::string> previous;
  std::string activated_by;

  bool operator==(const CurrentPointer&) const = default;
};

std::string ClusterBuildJson(const ClusterBuild& build);
// kInternal naming what is wrong when the row is not one ClusterBuildJson wrote.
Result<ClusterBuild> ParseClusterBuild(std::string_view json);

std::string CurrentPointerJson(const CurrentPointer& current);
Result<CurrentPointer> ParseCurrentPointer(std::string_view json);

std::string ChunkKey(std::uint64_t build_id, std::uint64_t index);
// Chunks of a build of `size` bytes (an empty build has none).
std::uint64_t ChunkCount(std::uint64_t size);

}  // namespace sr::file_distribution
