// Checks that a file is a zip whose central directory can be read, without a zip library
// and in bounded memory: the End Of Central Directory record (ZIP64 too), every central
// directory entry, and each entry's local header. Entry names must be relative paths
// without "..": spawners unzip the build, and a name escaping their folder would be a
// "zip slip".
#pragma once

#include <cstdint>

#include "result.h"

namespace sr::file_distribution {

struct ZipSummary {
  std::uint64_t entries = 0;
};

// kUnprocessable with a reason when the zip is unreadable; kInternal when reading fails.
Result<ZipSummary> CheckZipDirectory(int fd, std::uint64_t size);

}  // namespace sr::file_distribution
