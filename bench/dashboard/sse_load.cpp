// sse_load: the dashboard benchmark's load tool.
//
//   sse_load register  --port P --api-key K --count N [--threads T]
//       registers N spawners (keep-alive connections, T in parallel)
//   sse_load heartbeat --port P --api-key K --first-id F --count N --rate R --duration S
//       heartbeats spawners F..F+N-1 round-robin at R per second for S seconds
//   sse_load stream    --port P --cookie C --clients N --duration S [--host-pid PID]
//       holds N /events streams with one epoll loop for S seconds once all are open, checks
//       that every client received every `stats` event broadcast meanwhile, and reports the
//       host's CPU (from /proc/PID/stat) and RSS over that window
//
// Prints "key: value" lines; `stream` exits 1 when a client missed a stats event.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_connection.h"
#include "sse_parser.h"

namespace sr::bench {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// --name value pairs after the mode.
class Options {
 public:
  Options(int argc, char** argv) {
    for (int i = 2; i + 1 < argc; i += 2) {
      std::string name = argv[i];
      if (name.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + name);
      values_[name.substr(2)] = argv[i + 1];
    }
  }
  std::string String(const std::string& name, std::optional<std::string> fallback = {}) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    if (fallback) return *fallback;
    throw std::runtime_error("--" + name + " is required");
  }
  std::uint64_t Number(const std::string& name, std::optional<std::uint64_t> fallback = {}) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
      if (fallback) return *fallback;
      throw std::runtime_error("--" + name + " is required");
    }
    std::uint64_t value = 0;
    auto [end, error] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    if (error != std::errc() || end != it->second.data() + it->second.size()) {
      throw std::runtime_error("--" + name + " must be a number");
    }
    return value;
  }

 private:
  std::map<std::string, std::string> values_;
};

// utime + stime of another process, in seconds (0 when unreadable).
double CpuSecondsOf(int pid) {
  std::FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (file == nullptr) return 0;
  char text[4096];
  std::size_t size = std::fread(text, 1, sizeof(text) - 1, file);
  std::fclose(file);
  text[size] = '\0';
  const char* rest = std::strrchr(text, ')');
  if (rest == nullptr) return 0;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  // After the command: state and 10 more fields, then utime and stime (fields 14 and 15).
  if (std::sscanf(rest + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
                  &stime) != 2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// A "Vm..." line of /proc/<pid>/status, in KiB.
std::uint64_t StatusKib(int pid, const char* field) {
  std::FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (file == nullptr) return 0;
  char line[256];
  std::uint64_t value = 0;
  std::size_t length = std::strlen(field);
  while (std::fgets(line, sizeof(line), file) != nullptr) {
    if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
      value = std::strtoull(line + length + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(file);
  return value;
}

double CpuSecondsOfThisProcess() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// ---- register / heartbeat ---------------------------------------------------------------

const char* const kRegions[] = {"eu-west", "eu-north", "us-east", "us-west", "ap-south", "sa-east"};

int Register(const Options& options) {
  auto port = static_cast<std::uint16_t>(options.Number("port"));
  std::string key = options.String("api-key");
  std::uint64_t count = options.Number("count");
  std::uint64_t threads = std::max<std::uint64_t>(1, options.Number("threads", 8));
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> failures{0};
  auto started = Clock::now();
  std::vector<std::thread> workers;
  for (std::uint64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      HttpConnection connection(port);
      for (std::uint64_t i = next++; i < count; i = next++) {
        std::string body =
            "{\"region\":\"" + std::string(kRegions[i % 6]) + "\",\"host\":\"10." +
            std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
            std::to_string(i % 256) + "\",\"port\":" + std::to_string(7000 + i % 1000) +
            ",\"max_instances\":" + std::to_string(8 + i % 9) +
            ",\"current_instances\":" + std::to_string(i % 8) + ",\"status\":\"active\"}";
        try {
          if (connection.Post("/api/spawners", body, key).status != 201) ++failures;
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("registered: %llu\nregister_failures: %llu\nregister_seconds: %.2f\n",
              static_cast<unsigned long long>(count - failures),
              static_cast<unsigned long long>(failures.load()), seconds);
  return failures == 0 ? 0 : 1;
}

int Heartbeat(const Options& options) {
  auto port = static_cast<std::uint16_t>(options.Number("port"));
  std::string key = options.String("api-key");
  std::uint64_t first = options.Number("first-id");
  std::uint64_t count = options.Number("count");
  std::uint64_t rate = std::max<std::uint64_t>(1, options.Number("rate"));
  auto duration = std::chrono::seconds(options.Number("duration"));
  constexpr std::uint64_t kThreads = 4;
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> failures{0};
  auto started = Clock::now();
  std::vector<std::thread> workers;
  for (std::uint64_t t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      HttpConnection connection(port);
      auto interval = std::chrono::duration<double>(static_cast<double>(kThreads) / rate);
      auto due = started;
      for (std::uint64_t i = t; Clock::now() - started < duration; i += kThreads) {
        due += std::chrono::duration_cast<Clock::duration>(interval);
        std::this_thread::sleep_until(due);
        std::uint64_t id = first + i % count;
        std::string body =
            "{\"current_instances\":" + std::to_string(i % 9) + ",\"status\":\"active\"}";
        try {
          if (connection.Post("/api/spawners/" + std::to_string(id) + "/heartbeat", body, key)
                  .status != 200) {
            ++failures;
          }
        } catch (const std::exception&) {
          ++failures;
        }
        ++sent;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("heartbeats: %llu\nheartbeat_failures: %llu\nheartbeats_per_second: %.0f\n",
              static_cast<unsigned long long>(sent.load()),
              static_cast<unsigned long long>(failures.load()),
              static_cast<double>(sent) / seconds);
  return 0;
}

// ---- stream -----------------------------------------------------------------------------

struct StreamClient {
  int fd = -1;
  bool connecting = false;
  bool greeted = false;
  std::unique_ptr<SseParser> parser;
  std::string last_event_id;
  std::vector<std::uint32_t> ticks;  // `tick` of every stats event received
  std::uint32_t hello_tick = 0;      // the tick of the stats the greeting carried
  std::uint64_t events = 0;
  std::uint64_t reconnects = 0;
};

class StreamLoad {
 public:
  StreamLoad(std::uint16_t port, std::string cookie, std::size_t clients, int host_pid)
      : port_(port), cookie_(std::move(cookie)), clients_(clients), host_pid_(host_pid) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error("epoll_create1 failed");
  }
  ~StreamLoad() {
    for (auto& client : clients_) {
      if (client.fd >= 0) ::close(client.fd);
    }
    ::close(epoll_);
  }

  int Run(std::chrono::seconds duration) {
    auto started = Clock::now();
    // Open the streams in small batches so the accept queue never overflows.
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      Connect(i);
      if (i % 50 == 49) Poll(5ms);
    }
    while (Greeted() < clients_.size()) {
      Poll(50ms);
      if (Clock::now() - started > 60s) {
        std::printf("error: only %zu of %zu streams opened within 60 s\n", Greeted(),
                    clients_.size());
        return 1;
      }
    }
    double open_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    // A tick after every greeting's was broadcast once every client had joined.
    std::uint32_t start_tick = std::max(LatestHelloTick(), LatestTick()) + 1;
    double cpu_before = CpuSecondsOfThisProcess();
    double host_cpu_before = CpuSecondsOf(host_pid_);
    auto measure_start = Clock::now();
    std::uint64_t host_rss_max_kib = 0;
    while (Clock::now() - measure_start < duration) {
      Poll(100ms);
      host_rss_max_kib = std::max(host_rss_max_kib, StatusKib(host_pid_, "VmRSS"));
    }
    double cpu_seconds = CpuSecondsOfThisProcess() - cpu_before;
    host_cpu_seconds_ = CpuSecondsOf(host_pid_) - host_cpu_before;
    host_rss_end_kib_ = StatusKib(host_pid_, "VmRSS");
    host_rss_max_kib_ = host_rss_max_kib;
    std::uint32_t last_tick = LatestTick();
    std::uint32_t end_tick = last_tick > 0 ? last_tick - 1 : 0;  // one tick of slack in flight
    return Report(open_seconds, start_tick, end_tick, cpu_seconds, duration);
  }

 private:
  std::size_t Greeted() const {
    return static_cast<std::size_t>(std::count_if(clients_.begin(), clients_.end(),
                                                  [](const StreamClient& c) { return c.greeted; }));
  }

  std::uint32_t LatestHelloTick() const {
    std::uint32_t latest = 0;
    for (const auto& client : clients_) latest = std::max(latest, client.hello_tick);
    return latest;
  }

  std::uint32_t LatestTick() const {
    std::uint32_t latest = 0;
    for (const auto& client : clients_) {
      if (!client.ticks.empty()) latest = std::max(latest, client.ticks.back());
    }
    return latest;
  }

  void Connect(std::size_t index) {
    StreamClient& client = clients_[index];
    client.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (client.fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int result = ::connect(client.fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    if (result != 0 && errno != EINPROGRESS)
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    client.connecting = true;
    client.parser = std::make_unique<SseParser>(
        [this, index](std::string_view event, std::string_view data, std::string_view id) {
          OnEvent(index, event, data, id);
        });
    epoll_event interest{};
    interest.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    interest.data.u64 = index;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, client.fd, &interest);
  }

  void OnEvent(std::size_t index, std::string_view event, std::string_view data,
               std::string_view id) {
    StreamClient& client = clients_[index];
    ++client.events;
    ++events_by_name_[std::string(event)];
    if (!id.empty()) client.last_event_id.assign(id);
    if (event != "stats" && event != "hello") return;
    std::size_t at = data.find("\"tick\":");
    std::uint32_t tick = 0;
    if (at != std::string_view::npos)
      std::from_chars(data.data() + at + 7, data.data() + data.size(), tick);
    if (event == "hello") {
      client.greeted = true;
      client.hello_tick = std::max(client.hello_tick, tick);
    } else if (at != std::string_view::npos) {
      client.ticks.push_back(tick);
    }
  }

  void SendRequest(StreamClient& client) {
    std::string request =
        "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: " +
        cookie_ + "\r\n";
    if (!client.last_event_id.empty()) request += "Last-Event-ID: " + client.last_event_id + "\r\n";
    request += "\r\n";
    ::send(client.fd, request.data(), request.size(), MSG_NOSIGNAL);  // small: fits the buffer
  }

  void Reconnect(std::size_t index) {
    StreamClient& client = clients_[index];
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, client.fd, nullptr);
    ::close(client.fd);
    client.fd = -1;
    ++client.reconnects;
    Connect(index);
  }

  void Poll(std::chrono::milliseconds timeout) {
    epoll_event ready[256];
    int count = ::epoll_wait(epoll_, ready, 256, static_cast<int>(timeout.count()));
    for (int i = 0; i < count; ++i) {
      std::size_t index = ready[i].data.u64;
      StreamClient& client = clients_[index];
      if (client.connecting && (ready[i].events & EPOLLOUT)) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
          Reconnect(index);
          continue;
        }
        client.connecting = false;
        epoll_event interest{};
        interest.events = EPOLLIN | EPOLLRDHUP;
        interest.data.u64 = index;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, client.fd, &interest);
        SendRequest(client);
        continue;
      }
      if (ready[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) Read(index);
    }
  }

  void Read(std::size_t index) {
    StreamClient& client = clients_[index];
    char buffer[65536];
    ssize_t got = ::recv(client.fd, buffer, sizeof(buffer), 0);
    if (got > 0) {
      bytes_ += static_cast<std::uint64_t>(got);
      if (!client.parser->Feed(std::string_view(buffer, static_cast<std::size_t>(got)))) {
        std::fprintf(stderr, "client %zu: %s\n", index, client.parser->error().c_str());
        Reconnect(index);
      } else if (client.parser->ended()) {
        Reconnect(index);  // the server ended the stream: continue with Last-Event-ID
      }
      return;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    Reconnect(index);
  }

  int Report(double open_seconds, std::uint32_t start_tick, std::uint32_t end_tick,
             double cpu_seconds, std::chrono::seconds duration) {
    std::size_t complete = 0;
    std::uint64_t missing_total = 0;
    std::uint64_t reconnects = 0;
    std::uint32_t expected = end_tick >= start_tick ? end_tick - start_tick + 1 : 0;
    for (auto& client : clients_) {
      reconnects += client.reconnects;
      std::sort(client.ticks.begin(), client.ticks.end());
      client.ticks.erase(std::unique(client.ticks.begin(), client.ticks.end()), client.ticks.end());
      auto first = std::lower_bound(client.ticks.begin(), client.ticks.end(), start_tick);
      auto last = std::upper_bound(client.ticks.begin(), client.ticks.end(), end_tick);
      auto received = static_cast<std::uint32_t>(last - first);
      if (received == expected) {
        ++complete;
      } else {
        missing_total += expected - std::min(expected, received);
      }
    }
    double seconds = static_cast<double>(duration.count());
    std::printf("clients: %zu\nstreams_open_seconds: %.2f\n", clients_.size(), open_seconds);
    std::printf("stats_ticks_checked: %u (ticks %u..%u)\n", expected, start_tick, end_tick);
    std::printf("clients_with_every_stats_event: %zu\n", complete);
    std::printf("stats_events_missed: %llu\n", static_cast<unsigned long long>(missing_total));
    std::printf("reconnects: %llu\n", static_cast<unsigned long long>(reconnects));
    std::printf("received_mib_per_second: %.2f\n",
                static_cast<double>(bytes_) / (1 << 20) / seconds);
    for (const auto& [name, count] : events_by_name_) {
      std::printf("events_%s: %llu\n", name.c_str(), static_cast<unsigned long long>(count));
    }
    std::printf("load_tool_cpu_percent: %.1f\n", 100.0 * cpu_seconds / seconds);
    if (host_pid_ > 0) {
      std::printf("host_cpu_percent: %.1f\n", 100.0 * host_cpu_seconds_ / seconds);
      std::printf("host_rss_mib_end: %.1f\n", static_cast<double>(host_rss_end_kib_) / 1024);
      std::printf("host_rss_mib_max: %.1f\n", static_cast<double>(host_rss_max_kib_) / 1024);
    }
    return complete == clients_.size() && expected > 0 ? 0 : 1;
  }

  std::uint16_t port_;
  std::string cookie_;
  std::vector<StreamClient> clients_;
  int epoll_;
  int host_pid_;
  std::uint64_t bytes_ = 0;
  std::map<std::string, std::uint64_t> events_by_name_;
  double host_cpu_seconds_ = 0;
  std::uint64_t host_rss_end_kib_ = 0;
  std::uint64_t host_rss_max_kib_ = 0;
};

int Stream(const Options& options) {
  StreamLoad load(static_cast<std::uint16_t>(options.Number("port")), options.String("cookie"),
                  options.Number("clients"), static_cast<int>(options.Number("host-pid", 0)));
  return load.Run(std::chrono::seconds(options.Number("duration")));
}

}  // namespace
}  // namespace sr::bench

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sse_load register|heartbeat|stream --option value ...\n");
    return 2;
  }
  try {
    std::string mode = argv[1];
    sr::bench::Options options(argc, argv);
    if (mode == "register") return sr::bench::Register(options);
    if (mode == "heartbeat") return sr::bench::Heartbeat(options);
    if (mode == "stream") return sr::bench::Stream(options);
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sse_load: %s\n", error.what());
    return 2;
  }
}
