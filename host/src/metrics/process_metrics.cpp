#include "metrics/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "runtime/host_stats.h"

namespace sr::host {

namespace {

using sr::metrics::Kind;
using sr::metrics::Series;

Series* Single(sr::metrics::Store& store, Kind kind, const char* name, const char* help) {
  sr::metrics::Family* family = nullptr;
  std::string problem;
  if (store.Register({kind, name, help, {}, {}}, "host", &family, problem) !=
      sr::metrics::Store::Result::kOk) {
    throw std::logic_error(problem);
  }
  return family->Get({});
}

std::uint64_t CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::uint64_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count > 0 ? count - 1 : 0;  // not the descriptor reading the folder
}

// Seconds since the epoch at which this process started: /proc/self/stat's starttime (clock
// ticks after boot) plus /proc/stat's btime. Falls back to now when /proc says nothing.
double ProcessStartTime() {
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return now;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  unsigned long long start_ticks = 0;
  // After "pid (comm) ", the state is field 3; starttime is field 22.
  for (int index = 3; index <= 22 && (fields >> field); ++index) {
    if (index == 22) start_ticks = std::stoull(field);
  }
  std::ifstream boot("/proc/stat");
  std::string line;
  while (std::getline(boot, line)) {
    if (line.rfind("btime ", 0) == 0) {
      long ticks = ::sysconf(_SC_CLK_TCK);
      if (ticks <= 0 || start_ticks == 0) return now;
      return std::stod(line.substr(6)) + static_cast<double>(start_ticks) / ticks;
    }
  }
  return now;
}

double VirtualBytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0;
  if (!(statm >> pages)) return 0;
  return pages * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

void RegisterProcessMetrics(sr::metrics::Store& store, const HostStats& stats) {
  Series* rss = Single(store, Kind::kGauge, "process_resident_memory_bytes",
                       "Resident memory size in bytes.");
  Series* virtual_bytes =
      Single(store, Kind::kGauge, "process_virtual_memory_bytes", "Virtual memory size in bytes.");
  Series* cpu = Single(store, Kind::kCounter, "process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.");
  Series* open_fds =
      Single(store, Kind::kGauge, "process_open_fds", "Number of open file descriptors.");
  Series* max_fds =
      Single(store, Kind::kGauge, "process_max_fds", "Maximum number of open file descriptors.");
  Series* start_time = Single(store, Kind::kGauge, "process_start_time_seconds",
                              "Start time of the process since unix epoch in seconds.");
  Series* connections = Single(store, Kind::kGauge, "spawner_registry_http_open_connections",
                               "Client connections open now (event streams included).");
  Series* streams = Single(store, Kind::kGauge, "spawner_registry_event_streams_open",
                           "Server-sent event streams open now, over every stream group.");
  start_time->Set(ProcessStartTime());
  store.AddCollector("host", [=, &stats] {
    rss->Set(static_cast<double>(ProcessRssBytes()));
    virtual_bytes->Set(VirtualBytes());
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
      auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
      double total = seconds(usage.ru_utime) + seconds(usage.ru_stime);
      cpu->Add(std::max(0.0, total - cpu->value()));  // a counter only moves forward
    }
    open_fds->Set(static_cast<double>(CountOpenFds()));
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds->Set(static_cast<double>(limit.rlim_cur));
    connections->Set(static_cast<double>(std::max<std::int64_t>(0, stats.connections())));
    streams->Set(static_cast<double>(std::max<std::int64_t>(0, stats.streams())));
  });
}

}  // namespace sr::host
