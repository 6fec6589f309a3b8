#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

// Parsers for the few /proc files the dashboard reads. Each takes the file's whole text and
// returns nullopt when it does not have the expected shape (a kernel that lays it out
// differently shows "unknown" rather than a wrong figure).
namespace sr::dashboard {

// The aggregate "cpu" line of /proc/stat, in clock ticks.
struct CpuTimes {
  std::uint64_t total = 0;  // user + nice + system + idle + iowait + irq + softirq + steal
  std::uint64_t idle = 0;   // idle + iowait
};
std::optional<CpuTimes> ParseProcStat(std::string_view text);

// Busy share of the ticks between two readings, 0-100; nullopt when no tick passed or the
// counters went backwards.
std::optional<double> CpuBusyPercent(const CpuTimes& before, const CpuTimes& after);

struct MemInfo {
  std::uint64_t total_bytes = 0;
  std::uint64_t available_bytes = 0;
};
// MemTotal and MemAvailable of /proc/meminfo (kB in the file, bytes here).
std::optional<MemInfo> ParseMemInfo(std::string_view text);

struct NetCounters {
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};
// Received and sent bytes of /proc/net/dev summed over every interface but loopback: the
// machine's real network traffic.
std::optional<NetCounters> ParseNetDev(std::string_view text);

// utime + stime of /proc/<pid>/stat, in clock ticks. The command name may contain spaces and
// parentheses, so fields are counted from the last ')'.
std::optional<std::uint64_t> ParseProcessCpuTicks(std::string_view text);

}  // namespace sr::dashboard
