#include "machine_sampler.h"

#include <sys/statvfs.h>

#include <fstream>
#include <iterator>
#include <string>

namespace sr::dashboard {

namespace {

// /proc files report a size of 0, so they are read to the end rather than by size.
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

template <typename T, typename Parser>
std::optional<T> ReadAndParse(const std::filesystem::path& path, Parser parse) {
  auto text = ReadSmallFile(path);
  if (!text) return std::nullopt;
  return parse(*text);
}

std::optional<double> PerSecond(std::uint64_t before, std::uint64_t after, double seconds) {
  if (after < before || seconds <= 0) return std::nullopt;  // counters were reset
  return static_cast<double>(after - before) / seconds;
}

}  // namespace

MachineSampler::MachineSampler(std::filesystem::path proc_root, std::filesystem::path disk_path,
                               long clock_ticks_per_second)
    : proc_root_(std::move(proc_root)),
      disk_path_(std::move(disk_path)),
      clock_ticks_per_second_(
          clock_ticks_per_second > 0 ? static_cast<double>(clock_ticks_per_second) : 100.0) {}

MachineSample MachineSampler::Sample(std::chrono::steady_clock::time_point now) {
  MachineSample sample;
  std::optional<double> elapsed_s;
  if (previous_at_ && now > *previous_at_) {
    elapsed_s = std::chrono::duration<double>(now - *previous_at_).count();
  }

  auto cpu = ReadAndParse<CpuTimes>(proc_root_ / "stat", ParseProcStat);
  if (cpu && previous_cpu_) sample.cpu_percent = CpuBusyPercent(*previous_cpu_, *cpu);

  auto process_ticks =
      ReadAndParse<std::uint64_t>(proc_root_ / "self" / "stat", ParseProcessCpuTicks);
  if (process_ticks && previous_process_ticks_ && elapsed_s) {
    auto ticks_per_second = PerSecond(*previous_process_ticks_, *process_ticks, *elapsed_s);
    if (ticks_per_second)
      sample.process_cpu_percent = 100.0 * *ticks_per_second / clock_ticks_per_second_;
  }

  if (auto memory = ReadAndParse<MemInfo>(proc_root_ / "meminfo", ParseMemInfo)) {
    sample.memory_total = memory->total_bytes;
    sample.memory_available = memory->available_bytes;
  }

  auto net = ReadAndParse<NetCounters>(proc_root_ / "net" / "dev", ParseNetDev);
  if (net && previous_net_ && elapsed_s) {
    sample.net_rx_bytes_per_second = PerSecond(previous_net_->rx_bytes, net->rx_bytes, *elapsed_s);
    sample.net_tx_bytes_per_second = PerSecond(previous_net_->tx_bytes, net->tx_bytes, *elapsed_s);
  }

  struct statvfs disk {};
  if (!disk_path_.empty() && ::statvfs(disk_path_.c_str(), &disk) == 0) {
    sample.disk_total = static_cast<std::uint64_t>(disk.f_blocks) * disk.f_frsize;
    sample.disk_free = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
  }

  previous_at_ = now;
  previous_cpu_ = cpu;
  previous_net_ = net;
  previous_process_ticks_ = process_ticks;
  return sample;
}

}  // namespace sr::dashboard
