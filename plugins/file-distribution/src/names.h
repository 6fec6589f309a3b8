// The only names a request may carry, validated before they come near a path: build
// versions, upload ids and SHA-256 digests. File names are derived from these alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sr::file_distribution {

inline constexpr std::size_t kMaxVersionLength = 64;
inline constexpr std::size_t kUploadIdBytes = 16;

// ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$: safe as a file name, in a URL and in a header.
bool IsValidVersion(std::string_view version);

// 32 lowercase hex characters, as NewUploadId makes them.
bool IsValidUploadId(std::string_view id);

// A fresh upload id from the OpenSSL CSPRNG; nullopt if it cannot be seeded.
std::optional<std::string> NewUploadId();

// 64 hex characters (either case) -> lowercase; nullopt otherwise.
std::optional<std::string> NormalizeSha256(std::string_view hex);

// Lowercase hex of raw bytes.
std::string HexOf(std::string_view bytes);

// The file names derived from validated names.
std::string BuildFileName(std::string_view version);      // "<version>.zip" in builds/
std::string PartFileName(std::string_view upload_id);     // "<id>.part" in .uploads/
std::string SidecarFileName(std::string_view upload_id);  // "<id>.json" in .uploads/

}  // namespace sr::file_distribution
