// One build as the index keeps it and the API shows it.
#pragma once

#include <cstdint>
#include <string>

namespace sr::file_distribution {

// Who placed a file in the folder by hand (not through an upload).
inline constexpr std::string_view kManualUploader = "manual";

struct BuildRecord {
  std::string version;      // IsValidVersion
  std::uint64_t size = 0;   // bytes
  std::string sha256;       // lowercase hex
  std::string uploaded_by;  // user or key name, or kManualUploader
  std::string uploaded_at;  // RFC 3339 UTC

  bool operator==(const BuildRecord&) const = default;
};

}  // namespace sr::file_distribution
