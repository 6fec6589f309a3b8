// Writes small zip archives for tests: stored (uncompressed) entries, with CRC-32, so that
// `unzip -t` accepts them too.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sr::file_distribution::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;  // name, contents

std::string MakeZip(const ZipEntries& entries, const std::string& comment = "");

// A zip of one entry whose contents are `size` pseudo-random bytes from `seed`.
std::string MakeZipOfSize(std::size_t size, unsigned seed);

// Pseudo-random bytes (deterministic for a seed).
std::string RandomBytes(std::size_t size, unsigned seed);

}  // namespace sr::file_distribution::testing
