#pragma once

#include <sr/rfc3339.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace sr::host {

using SteadyClock = std::chrono::steady_clock;

std::int64_t UnixMillis();
// "Tue, 15 Nov 1994 08:12:31 GMT", for the Date header.
std::string HttpDate(std::int64_t unix_seconds);
// RFC 3339 timestamps: sr::Rfc3339Millis, shared with the plugins.
using sr::Rfc3339Millis;

}  // namespace sr::host
