// What tells two versions of a file apart without reading it: device, inode, size and
// modification time. A digest computed for one identity is valid while the identity holds
// (files are replaced by rename, never rewritten in place).
#pragma once

#include <sys/stat.h>

#include <cstdint>

namespace sr::file_distribution {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;

  bool operator==(const FileIdentity&) const = default;
};

FileIdentity IdentityOf(const struct stat& info);

// Modification time in whole seconds since the Unix epoch.
inline std::int64_t MtimeSeconds(const FileIdentity& identity) {
  return identity.mtime_ns / 1'000'000'000;
}

}  // namespace sr::file_distribution
