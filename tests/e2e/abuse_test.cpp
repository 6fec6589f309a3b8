// Abusive clients against the host: each gets a clear 4xx or a closed connection, the host
// keeps serving everyone else at its usual latency, and memory stays bounded. The host's
// peak RSS is recorded with each test (gtest property "peak_rss_kib").
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "http_client.h"
#include "kit_host.h"
#include "sanitizers.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

int RawConnect(std::uint16_t port, int receive_buffer = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// p99 latency of /health over `count` keep-alive requests, in microseconds.
long HealthP99Micros(std::uint16_t port, int count) {
  HttpClient client(port);
  std::vector<long> micros;
  for (int i = 0; i < count; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto response = client.Get("/health");
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(response.status, 200);
    micros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  }
  std::sort(micros.begin(), micros.end());
  return micros[micros.size() * 99 / 100];
}

void RecordPeak(const TestHost& host) {
  ::testing::Test::RecordProperty("peak_rss_kib", std::to_string(host.PeakRssKib()));
  std::printf("host peak RSS: %llu KiB\n", static_cast<unsigned long long>(host.PeakRssKib()));
}

TEST(Abuse, ThousandSlowlorisConnectionsDoNotSlowOthers) {
  // One loopback address plays a thousand attackers: lift the per-address cap, which would
  // otherwise close all but 256 of them at once.
  TestHost host(KitYaml("  header_timeout: 4s\n  max_connections_per_address: 2000\n"),
                MemoryMeasuredEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  long baseline = HealthP99Micros(host.port(), 300);

  std::vector<int> slow;
  for (int i = 0; i < 1000; ++i) {
    int fd = RawConnect(host.port());
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  const std::string request = "GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: ";
  std::atomic<bool> stop{false};
  std::thread dripper([&] {
    // One byte a second on every connection: headers that never finish.
    for (size_t byte = 0; !stop; ++byte) {
      char c = byte < request.size() ? request[byte] : 'a';
      for (int fd : slow) ::send(fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int tick = 0; tick < 10 && !stop; ++tick) std::this_thread::sleep_for(100ms);
    }
  });
  std::this_thread::sleep_for(1500ms);
  long under_attack = HealthP99Micros(host.port(), 300);
  std::printf("p99 /health: %ld us alone, %ld us beside 1000 slowloris connections\n", baseline,
              under_attack);
  // "Usual latency": within a few milliseconds of the baseline on a shared 2-core machine.
  EXPECT_LT(under_attack, std::max(baseline * 10, 20000L * kMemorySlack));

  // The header timeout ends every one of them, with a 408 where the socket still reads.
  std::this_thread::sleep_for(4s);
  stop = true;
  dripper.join();
  int closed = 0;
  for (int fd : slow) {
    char buffer[512];
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    std::string text(buffer, got > 0 ? static_cast<size_t>(got) : 0);
    if (got == 0 || text.rfind("HTTP/1.1 408", 0) == 0 || got < 0) ++closed;
    ::close(fd);
  }
  EXPECT_EQ(closed, 1000);
  EXPECT_EQ(Fetch(host.port(), "GET", "/health").status, 200);
  RecordPeak(host);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Abuse, TenThousandIdleConnections) {
  // Ten thousand clients from one loopback address: the per-address cap is lifted.
  TestHost host(KitYaml("  header_timeout: 60s\n  max_connections: 20000\n"
                        "  max_connections_per_address: 20000\n"),
                MemoryMeasuredEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  std::uint64_t rss_before = host.RssKib();
  std::vector<int> idle;
  for (int i = 0; i < 10000; ++i) {
    int fd = RawConnect(host.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
    if (i % 500 == 499) std::this_thread::sleep_for(20ms);  // let the backlog drain
  }
  // Everyone else is still served while they sit there.
  for (int i = 0; i < 50; ++i) EXPECT_EQ(Fetch(host.port(), "GET", "/health").status, 200);
  auto stats = Fetch(host.port(), "GET", "/kit/stats").body;
  std::uint64_t rss_after = host.RssKib();
  std::printf("RSS %llu KiB -> %llu KiB with 10000 idle connections (%s)\n",
              static_cast<unsigned long long>(rss_before),
              static_cast<unsigned long long>(rss_after), stats.c_str());
  // Idle connections cost a few hundred bytes each, not buffers.
  EXPECT_LT(rss_after - rss_before, 64ull * 1024 * kMemorySlack);
  for (int fd : idle) ::close(fd);
  RecordPeak(host);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Abuse, DownloadersThatNeverReadCostNoMemoryAndAreDropped) {
  TestHost host(KitYaml("  write_timeout: 2s\n"), MemoryMeasuredEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  std::uint64_t rss_before = host.RssKib();
  std::vector<int> stuck;
  for (int i = 0; i < 50; ++i) {
    int fd = RawConnect(host.port(), 4096);
    ASSERT_GE(fd, 0);
    std::string requests;
    for (int k = 0; k < 20; ++k)
      requests += "GET /kit/file HTTP/1.1\r\nHost: t\r\n\r\n";  // 20 MiB each
    ::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL);
    stuck.push_back(fd);
  }
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(Fetch(host.port(), "GET", "/health").status, 200);
  std::uint64_t rss_during = host.RssKib();
  EXPECT_LT(rss_during, rss_before + 32 * 1024 * kMemorySlack)
      << rss_before << " -> " << rss_during << " KiB";
  // With no progress for write_timeout, the host lets them go.
  std::this_thread::sleep_for(3s);
  auto stats = Fetch(host.port(), "GET", "/kit/stats").body;
  EXPECT_NE(stats.find("\"connections\":1,"), std::string::npos) << stats;
  for (int fd : stuck) ::close(fd);
  RecordPeak(host);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Abuse, MalformedFramingGetsA4xxOrAClose) {
  TestHost host(KitYaml("  body_timeout: 1s\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  struct Case {
    std::string bytes;
    int status;
  };
  std::string many_headers = "GET /health HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 150; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  many_headers += "\r\n";
  std::vector<Case> cases = {
      {many_headers, 431},
      {std::string("GET /health HTTP/1.1\r\nHost: t\r\nX-Nul: a\0b\r\n\r\n", 45), 400},
      {"GET /health HTTP/1.1\r\nHost: t\r\nX-Utf8: \xff\xfe\r\n\r\n",
       200},  // opaque bytes are fine
      {"POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabcdef GARBAGE\r\n\r\n",
       200},
      {"POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\nshort", 408},
      {"GET /health HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
       400},
      {"POST /kit/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400},
      {std::string(100000, 'A'), 431},
  };
  for (const auto& item : cases) {
    HttpClient client(host.port());
    client.Connect();
    client.SendRaw(item.bytes);
    auto response = client.ReadResponse();
    EXPECT_EQ(response.status, item.status) << item.bytes.substr(0, 60);
    if (item.status >= 400) {
      EXPECT_NE(response.body.find("\"error\""), std::string::npos);
    }
  }
  // Content-Length shorter than the body: the rest is read as the next request and refused.
  HttpClient client(host.port());
  client.SendRaw(
      "POST /kit/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabcdef GARBAGE\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().body, "abc");
  EXPECT_EQ(client.ReadResponse().status, 400);
  EXPECT_TRUE(client.WaitForClose(3s));
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::test
