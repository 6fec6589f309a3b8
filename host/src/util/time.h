#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sr::host {

using SteadyClock = std::chrono::steady_clock;

std::int64_t UnixMillis();
// "Tue, 15 Nov 1994 08:12:31 GMT", for the Date header.
std::string HttpDate(std::int64_t unix_seconds);
// "2026-11-25T20:36:31.123Z"
std::string Rfc3339Millis(std::int64_t unix_millis);

}  // namespace sr::host
