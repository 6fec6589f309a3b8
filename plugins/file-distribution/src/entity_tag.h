// Entity tags (RFC 9110 §8.8.3) for builds: strong, derived from the file's SHA-256, so
// a tag names exactly one content whatever its file name, time or version.
#pragma once

#include <string>
#include <string_view>

namespace sr::file_distribution {

// "\"sha256-<hex>\"".
std::string StrongEtag(std::string_view sha256_hex);

// If-None-Match: true when any listed tag matches `etag` by weak comparison, or for "*".
bool IfNoneMatchMatches(std::string_view header, std::string_view etag);

// If-Range: true when the header is `etag` itself (strong comparison). A date or a weak tag
// never matches: a build's time does not identify its content (an older build can become
// current again), so such a client gets the whole file.
bool IfRangeMatches(std::string_view header, std::string_view etag);

}  // namespace sr::file_distribution
