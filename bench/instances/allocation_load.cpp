// Allocations per second through the real host: starts `agents` instant fake agents (the
// tests' FakeAgent, answering at once) on loopback, registers them with the host on `port`
// (spawner-registry and game-instances, guards off), then `clients` keep-alive connections
// post allocations for `seconds`.
//
//   allocation_load <port> [agents=50] [clients=32] [seconds=10]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fake_agent.h"
#include "http_client.h"

using sr::game_instances::testing::FakeAgent;
using sr::test::HttpClient;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: allocation_load <port> [agents] [clients] [seconds]\n");
    return 2;
  }
  auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  int agent_count = argc > 2 ? std::atoi(argv[2]) : 50;
  int clients = argc > 3 ? std::atoi(argv[3]) : 32;
  int seconds = argc > 4 ? std::atoi(argv[4]) : 10;
  constexpr int kSlots = 100000;  // the most a spawner may declare; never the limit here

  std::vector<std::unique_ptr<FakeAgent>> agents;
  for (int i = 0; i < agent_count; ++i) {
    agents.push_back(std::make_unique<FakeAgent>("bench", kSlots));
    std::string body = "{\"region\":\"bench\",\"host\":\"127.0.0.1\",\"port\":" +
                       std::to_string(agents.back()->port()) +
                       ",\"max_instances\":" + std::to_string(kSlots) +
                       ",\"current_instances\":0,\"status\":\"active\"}";
    auto response = sr::test::Fetch(port, "POST", "/api/spawners", body,
                                    {{"Content-Type", "application/json"}});
    if (response.status != 201) {
      std::fprintf(stderr, "registration failed: %d %s\n", response.status, response.body.c_str());
      return 1;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the registrations' events

  std::atomic<long> created{0};
  std::atomic<long> failed{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      HttpClient client(port);
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        auto start = Clock::now();
        auto response = client.Post("/api/allocations", R"({"region":"bench"})");
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        (response.status == 201 ? created : failed)++;
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[static_cast<std::size_t>(q * (latencies_ms.size() - 1))];
  };
  long beyond = 0;
  for (const auto& agent : agents) beyond += agent->spawns_beyond_max();
  std::printf(
      "%d agents, %d clients, %.1f s: %ld allocations (%.0f /s), %ld failed; latency p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms; spawns beyond an agent's maximum: %ld\n",
      agent_count, clients, elapsed, created.load(), static_cast<double>(created.load()) / elapsed,
      failed.load(), at(0.5), at(0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back(), beyond);
  return failed.load() == 0 ? 0 : 1;
}
