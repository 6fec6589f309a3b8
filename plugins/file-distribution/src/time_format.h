// Timestamps as the wire contract writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr::file_distribution {

// RFC 7231 IMF-fixdate for HTTP headers: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(std::int64_t unix_seconds);

// Compact UTC for names: "19941106T084937Z".
std::string CompactUtc(std::int64_t unix_seconds);

// The current time in Unix seconds.
std::int64_t UnixNow();

}  // namespace sr::file_distribution
