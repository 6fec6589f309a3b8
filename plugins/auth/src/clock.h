// Wall-clock time in milliseconds, injectable so that expiry can be tested without sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace sr::auth {

using NowFn = std::function<std::int64_t()>;

// Milliseconds since the Unix epoch. Wall-clock rather than steady time, because session
// expiry and audit times must mean the same after a restart.
std::int64_t WallClockMs();

// "2024-05-01T12:34:56.789Z".
std::string Rfc3339Utc(std::int64_t epoch_ms);

}  // namespace sr::auth
