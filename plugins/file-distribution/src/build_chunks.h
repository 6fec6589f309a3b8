// A build's bytes in the shared kv-store (cluster_rows.h, "build_chunks"): streamed between a
// file and the store one chunk of at most 1 MiB at a time, one commit per chunk, so a build
// of hundreds of MiB never sits in memory. THREAD: any; blocks on the store and the disk.
#pragma once

#include <cstdint>

#include <sr/services/kv_store.hpp>

#include "result.h"

namespace sr::file_distribution {

class BuildChunks {
 public:
  // Throws sr::KvStoreError when the namespace cannot be opened.
  explicit BuildChunks(sr::KvStore& store);

  // Stores bytes [0, size) of `fd` as the chunks of build `id`. kUnavailable when the store
  // refuses a write (the chunks already written are deleted as far as the store allows).
  Status Put(std::uint64_t id, int fd, std::uint64_t size);

  // Writes the chunks of build `id` (`size` bytes) into `fd` from offset 0. kUnavailable when
  // the store cannot be read or a chunk is missing or has the wrong length.
  Status Get(std::uint64_t id, std::uint64_t size, int fd);

  // Deletes the chunks of build `id` (`size` bytes); kUnavailable when the store refuses.
  Status Delete(std::uint64_t id, std::uint64_t size);

 private:
  sr::KvStore& store_;
  sr_kv_namespace* chunks_;
};

}  // namespace sr::file_distribution
