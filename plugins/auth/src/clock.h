// Wall-clock time in milliseconds, injectable so that expiry can be tested without sleeping.
#pragma once

#include <cstdint>
#include <functional>

namespace sr::auth {

using NowFn = std::function<std::int64_t()>;

// Milliseconds since the Unix epoch. Wall-clock rather than steady time, because session
// expiry and audit times must mean the same after a restart.
std::int64_t WallClockMs();

}  // namespace sr::auth
