// Numbers and lists written for people, in alert summaries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sr::alerts {

// "812 MiB", "1.5 GiB", "512 B".
std::string FormatBytes(std::uint64_t bytes);
// "12.5%" of part / whole (whole > 0), one decimal.
std::string FormatPercent(std::uint64_t part, std::uint64_t whole);
// "a, b, c and 4 more": at most `shown` items.
std::string JoinSome(const std::vector<std::string>& items, std::size_t shown);
// "1 spawner", "3 spawners".
std::string Count(std::uint64_t n, const std::string& singular, const std::string& plural);

}  // namespace sr::alerts
