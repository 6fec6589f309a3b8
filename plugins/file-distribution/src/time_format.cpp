#include "time_format.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace sr::file_distribution {

namespace {

std::optional<std::tm> UtcParts(std::int64_t unix_seconds) {
  auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  if (gmtime_r(&seconds, &parts) == nullptr) return std::nullopt;
  return parts;
}

}  // namespace

// Day and month names are spelled out here rather than with strftime's %a and %b, which
// follow the process locale.
std::string HttpDate(std::int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto parts = UtcParts(unix_seconds);
  if (!parts) return {};
  char text[96];
  int length = std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                             kDays[parts->tm_wday], parts->tm_mday, kMonths[parts->tm_mon],
                             parts->tm_year + 1900, parts->tm_hour, parts->tm_min, parts->tm_sec);
  return {text, static_cast<std::size_t>(length)};
}

std::string CompactUtc(std::int64_t unix_seconds) {
  auto parts = UtcParts(unix_seconds);
  if (!parts) return {};
  char text[96];
  int length = std::snprintf(text, sizeof(text), "%04d%02d%02dT%02d%02d%02dZ",
                             parts->tm_year + 1900, parts->tm_mon + 1, parts->tm_mday,
                             parts->tm_hour, parts->tm_min, parts->tm_sec);
  return {text, static_cast<std::size_t>(length)};
}

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sr::file_distribution
