#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "proc_parsers.h"

namespace sr::dashboard {

// The machine's figures at one moment. A figure the system would not give is nullopt (shown
// as unknown); rates and percentages need two samples, so the first sample has none.
struct MachineSample {
  std::optional<double> cpu_percent;          // whole machine, 0-100
  std::optional<double> process_cpu_percent;  // this process; 100 = one core busy
  std::optional<std::uint64_t> memory_total;
  std::optional<std::uint64_t> memory_available;
  std::optional<std::uint64_t> disk_total;  // of the file system holding the data folder
  std::optional<std::uint64_t> disk_free;   // available to unprivileged users
  std::optional<double> net_rx_bytes_per_second;
  std::optional<double> net_tx_bytes_per_second;
};

// Reads /proc and statvfs and turns counters into rates between consecutive samples.
// Not thread-safe: one periodic task owns it.
class MachineSampler {
 public:
  // `proc_root` is normally "/proc" (tests pass a folder of fake files); `disk_path` is a
  // path on the file system to report; `clock_ticks_per_second` is sysconf(_SC_CLK_TCK).
  MachineSampler(std::filesystem::path proc_root, std::filesystem::path disk_path,
                 long clock_ticks_per_second);

  MachineSample Sample(std::chrono::steady_clock::time_point now);

 private:
  std::filesystem::path proc_root_;
  std::filesystem::path disk_path_;
  double clock_ticks_per_second_;
  std::optional<std::chrono::steady_clock::time_point> previous_at_;
  std::optional<CpuTimes> previous_cpu_;
  std::optional<NetCounters> previous_net_;
  std::optional<std::uint64_t> previous_process_ticks_;
};

}  // namespace sr::dashboard
