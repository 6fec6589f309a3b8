// Checks that a file is a zip whose central directory can be read, without a zip library:
// the End Of Central Directory record (ZIP64 too), every central directory entry, and each
// entry's local header. Spawners unzip the build, and unzip tools differ in which record they
// believe, so every entry must mean one thing to all of them: the local header names it byte
// for byte as the directory does and declares the same method, CRC and sizes; entries do not
// share bytes; names are unique relative paths (no leading "/", drive letter, backslash, ".."
// segment, NUL or empty name: a "zip slip"), as is a Unicode Path extra field's name, and no
// entry is a symbolic link. Memory is one
// read buffer plus 40 bytes per entry (at most 1,000,000 entries).
#pragma once

#include <cstdint>

#include "result.h"

namespace sr::file_distribution {

struct ZipSummary {
  std::uint64_t entries = 0;
};

// kUnprocessable when the zip is refused: "not a readable zip: ..." when damaged, "unsafe zip
// entry "<name>" (entry N of M): ..." when an entry is unsafe; kInternal when reading fails.
Result<ZipSummary> CheckZipDirectory(int fd, std::uint64_t size);

}  // namespace sr::file_distribution
