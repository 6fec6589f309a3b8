// The rows file-distribution keeps in a shared kv-store when several masters use one database
// (README, "Several masters"). Namespace "builds":
//   "<version>"  {"id", "version", "size", "sha256", "uploaded_by", "uploaded_at"}
//   ".current"   {"version", "previous", "activated_by"}: the build every master serves
// Namespace "build_chunks":
//   "<id: 20 digits>/<index: 10 digits>"  bytes [index MiB, index+1 MiB) of build `id`,
//   zero-padded so that a build's chunks sort together and in order
// Namespace "build_chunks_pending":
//   "<id: 20 digits>"  {"size", "since"}: chunks no metadata row owns yet (being written) or any
//   more (being deleted); removed with the metadata write or after the chunks. A master killed
//   in between leaves it, and the cluster's sweeper deletes such chunks after an hour.
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
inline constexpr std::string_view kPendingNamespace = "build_chunks_pending";
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

struct PendingChunks {
  std::uint64_t id = 0;
  std::uint64_t size = 0;  // of the build: how many chunks to delete
  std::int64_t since = 0;  // unix seconds
};

std::string PendingKey(std::uint64_t build_id);
std::string PendingChunksJson(const PendingChunks& pending);
// `key` is PendingKey's.
Result<PendingChunks> ParsePendingChunks(std::string_view key, std::string_view json);

std::string ChunkKey(std::uint64_t build_id, std::uint64_t index);
// Chunks of a build of `size` bytes (an empty build has none).
std::uint64_t ChunkCount(std::uint64_t size);

}  // namespace sr::file_distribution
