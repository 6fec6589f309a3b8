#include "build_chunks.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "cluster_rows.h"
#include "durable_file.h"

namespace sr::file_distribution {

namespace {

// Deletes go in batches: one statement per batch, without holding many keys at once.
constexpr std::uint64_t kDeleteBatch = 256;

std::uint64_t ChunkLength(std::uint64_t size, std::uint64_t index) {
  return std::min(kChunkBytes, size - index * kChunkBytes);
}

Status ReadAllAt(int fd, std::string& buffer, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < buffer.size()) {
    ssize_t got =
        ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return tl::make_unexpected(IoError("read the build", errno));
    if (got == 0) return MakeError(ErrorKind::kInternal, "the build file is shorter than declared");
    done += static_cast<std::size_t>(got);
  }
  return {};
}

}  // namespace

BuildChunks::BuildChunks(sr::KvStore& store)
    : store_(store), chunks_(store.Open(kChunksNamespace)) {}

Status BuildChunks::Put(std::uint64_t id, int fd, std::uint64_t size) {
  std::string buffer;
  const std::uint64_t count = ChunkCount(size);
  for (std::uint64_t index = 0; index < count; ++index) {
    buffer.resize(static_cast<std::size_t>(ChunkLength(size, index)));
    Status read = ReadAllAt(fd, buffer, index * kChunkBytes);
    if (!read.has_value()) {
      (void)Delete(id, index * kChunkBytes);
      return read;
    }
    try {
      store_.Write({sr::KvStore::Put(chunks_, ChunkKey(id, index), buffer)});
    } catch (const sr::KvStoreError& error) {
      // Best effort: a store that refused this write may refuse the deletes too.
      (void)Delete(id, index * kChunkBytes);
      return MakeError(ErrorKind::kUnavailable,
                       std::string("cannot store the build in the database: ") + error.what());
    }
  }
  return {};
}

Status BuildChunks::Get(std::uint64_t id, std::uint64_t size, int fd) {
  const std::uint64_t count = ChunkCount(size);
  for (std::uint64_t index = 0; index < count; ++index) {
    std::optional<std::string> chunk;
    try {
      chunk = store_.Get(chunks_, ChunkKey(id, index));
    } catch (const sr::KvStoreError& error) {
      return MakeError(ErrorKind::kUnavailable,
                       std::string("cannot read the build from the database: ") + error.what());
    }
    const std::uint64_t expected = ChunkLength(size, index);
    if (!chunk || chunk->size() != expected) {
      return MakeError(ErrorKind::kUnavailable,
                       std::string("chunk ") + std::to_string(index) + " of " +
                           std::to_string(count) +
                           (chunk ? std::string(" has ") + std::to_string(chunk->size()) +
                                        " bytes instead of " + std::to_string(expected)
                                  : " is missing") +
                           " in the database");
    }
    Status written = WriteAllAt(fd, *chunk, index * kChunkBytes);
    if (!written.has_value()) return written;
  }
  return {};
}

Status BuildChunks::Delete(std::uint64_t id, std::uint64_t size) {
  const std::uint64_t count = ChunkCount(size);
  std::vector<std::string> keys;
  for (std::uint64_t first = 0; first < count; first += kDeleteBatch) {
    keys.clear();
    for (std::uint64_t index = first; index < std::min(count, first + kDeleteBatch); ++index) {
      keys.push_back(ChunkKey(id, index));
    }
    std::vector<sr::KvStore::Op> ops;
    ops.reserve(keys.size());
    for (const std::string& key : keys) ops.push_back(sr::KvStore::Delete(chunks_, key));
    try {
      store_.Write(ops);
    } catch (const sr::KvStoreError& error) {
      return MakeError(ErrorKind::kUnavailable,
                       std::string("cannot delete the build's bytes: ") + error.what());
    }
  }
  return {};
}

}  // namespace sr::file_distribution
