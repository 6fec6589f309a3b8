// The long stream soak: 200 clients for 70 s, longer than any idle or header timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kit_host.h"
#include "sse_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

// 200 clients for 70 s: longer than any idle or header timeout, every broadcast arrives and
// nothing like a 408 is ever injected into a stream.
TEST(StreamsSoak, TwoHundredClientsForSeventySeconds) {
  TestHost host(KitYaml("  header_timeout: 5s\n  idle_timeout: 10s\n",
                        "      tick_interval: 500ms\n      keepalive: 2s\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<SseClient>(host.port()));
    ASSERT_EQ(clients.back()->Open("/kit/stream").status, 200);
  }
  std::vector<std::vector<SseEvent>> received(kClients);
  std::vector<std::string> raw_tail(kClients);
  auto deadline = std::chrono::steady_clock::now() + 70s;
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int worker = 0; worker < 4; ++worker) {
    readers.emplace_back([&, worker] {
      while (std::chrono::steady_clock::now() < deadline) {
        for (int i = worker; i < kClients; i += 4) {
          auto events = clients[i]->Read(5ms);
          for (auto& event : events) received[i].push_back(std::move(event));
          if (clients[i]->ended()) ++failures;
        }
      }
    });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures, 0);
  for (int i = 0; i < kClients; ++i) {
    std::vector<long> ticks;
    for (const auto& event : received[i]) {
      if (event.event == "tick") ticks.push_back(std::stol(event.data));
      EXPECT_EQ(event.data.find("408"), std::string::npos);
    }
    ASSERT_GE(ticks.size(), 130u) << "client " << i;
    for (size_t k = 1; k < ticks.size(); ++k) {
      ASSERT_EQ(ticks[k], ticks[k - 1] + 1) << "client " << i << " missed a tick";
    }
  }
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::test
