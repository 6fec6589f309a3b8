// SHA-256 with OpenSSL, of bytes or of a file read in bounded chunks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace sr::file_distribution {

// Lowercase hex digest of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Lowercase hex digest of the first `size` bytes of `fd` (read with pread, so the file
// offset is untouched). Fails if the file is shorter or cannot be read.
Result<std::string> Sha256OfFile(int fd, std::uint64_t size);

}  // namespace sr::file_distribution
