#include "text_format.h"

#include <cstdio>

namespace sr::alerts {

std::string FormatBytes(std::uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof(kUnits) / sizeof(kUnits[0])) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value >= 100) {
    std::snprintf(text, sizeof(text), "%.0f %s", value, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

std::string FormatPercent(std::uint64_t part, std::uint64_t whole) {
  char text[32];
  double percent =
      whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  std::snprintf(text, sizeof(text), "%.1f%%", percent);
  return text;
}

std::string JoinSome(const std::vector<std::string>& items, std::size_t shown) {
  std::string out;
  std::size_t count = items.size() < shown ? items.size() : shown;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > count) out += " and " + std::to_string(items.size() - count) + " more";
  return out;
}

std::string Count(std::uint64_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace sr::alerts
