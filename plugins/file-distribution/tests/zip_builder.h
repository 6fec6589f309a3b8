// Writes small zip archives for tests: stored (uncompressed) entries, with CRC-32, so that
// `unzip -t` accepts them too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sr::file_distribution::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;  // name, contents

std::string MakeZip(const ZipEntries& entries, const std::string& comment = "");

// One entry with the fields hostile archives play with.
struct ZipEntrySpec {
  std::string name;
  std::string contents;
  std::uint32_t unix_mode = 0100644;      // the high half of the external attributes
  std::uint16_t made_by = 0x031E;         // host 3 (Unix), version 3.0
  std::optional<std::string> local_name;  // the local header's name, when it differs
  std::string local_extra;                // extra fields, as written
  std::string central_extra;
};

// An Info-ZIP Unicode Path extra field (0x7075) naming the entry `name`.
std::string UnicodePathExtra(const std::string& name);

std::string MakeZipOf(const std::vector<ZipEntrySpec>& entries, const std::string& comment = "");

// A zip of one entry whose contents are `size` pseudo-random bytes from `seed`.
std::string MakeZipOfSize(std::size_t size, unsigned seed);

// Pseudo-random bytes (deterministic for a seed).
std::string RandomBytes(std::size_t size, unsigned seed);

}  // namespace sr::file_distribution::testing
