// RFC 3339 timestamps in UTC, as every JSON document of the host and the plugins writes them.
// Header-only C++17 over fmt's chrono formatting: a user of this header links fmt (Debian's
// libfmt-dev, fmt::fmt in CMake); the rest of the SDK does not need it.
//
// RFC 3339 has four-digit years only: an instant before 0000-01-01T00:00:00Z or after
// 9999-12-31T23:59:59.999Z is written as that bound, so the output always has the same size.
#ifndef SR_RFC3339_HPP
#define SR_RFC3339_HPP

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <iterator>
#include <string>

namespace sr {

// Bytes of Rfc3339Millis's output: "2026-11-25T21:01:11.123Z".
inline constexpr std::size_t kRfc3339MillisSize = 24;

namespace rfc3339_detail {

inline constexpr std::int64_t kFirstSecond = -62167219200;  // 0000-01-01T00:00:00Z
inline constexpr std::int64_t kLastSecond = 253402300799;   // 9999-12-31T23:59:59Z

// fmt formats the calendar fields (%Y pads the year to four digits); the sub-second part is
// ours because fmt 9's time_point formatting overflows for dates far from 1970.
inline std::tm UtcFields(std::int64_t unix_seconds) {
  return fmt::gmtime(static_cast<std::time_t>(unix_seconds));
}

}  // namespace rfc3339_detail

// Appends a Unix time in milliseconds as RFC 3339 UTC with milliseconds.
inline void AppendRfc3339Millis(std::string& out, std::int64_t unix_ms) {
  using namespace rfc3339_detail;
  constexpr std::int64_t kFirst = kFirstSecond * 1000;
  constexpr std::int64_t kLast = kLastSecond * 1000 + 999;
  unix_ms = std::clamp(unix_ms, kFirst, kLast);
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {  // floor, not truncation: -1 ms is 23:59:59.999 the day before
    millis += 1000;
    seconds -= 1;
  }
  fmt::format_to(std::back_inserter(out), "{:%Y-%m-%dT%H:%M:%S}.{:03}Z", UtcFields(seconds),
                 millis);
}

// A Unix time in milliseconds as RFC 3339 UTC with milliseconds: "2026-11-25T21:01:11.123Z".
inline std::string Rfc3339Millis(std::int64_t unix_ms) {
  std::string out;
  out.reserve(kRfc3339MillisSize);
  AppendRfc3339Millis(out, unix_ms);
  return out;
}

// A Unix time in seconds as RFC 3339 UTC with seconds: "1994-11-06T08:49:37Z".
inline std::string Rfc3339Seconds(std::int64_t unix_seconds) {
  using namespace rfc3339_detail;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     UtcFields(std::clamp(unix_seconds, kFirstSecond, kLastSecond)));
}

}  // namespace sr

#endif  // SR_RFC3339_HPP
