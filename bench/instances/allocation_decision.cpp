// The allocation decision alone, without the agent's round trip: parse the request body and
// reserve a slot (Fleet::Reserve, the scan of the region under the book's lock), with
// 10,000 spawners. Each sample is released again, so every sample sees the same fleet.
//
//   allocation_decision [spawners=10000] [regions=1] [samples=200000]
// One region is the worst case: every decision scans all the spawners.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "allocation_request.h"
#include "fleet.h"

using namespace sr::game_instances;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int spawners = argc > 1 ? std::atoi(argv[1]) : 10000;
  int regions = argc > 2 ? std::atoi(argv[2]) : 1;
  int samples = argc > 3 ? std::atoi(argv[3]) : 200000;
  Fleet fleet({});
  for (int i = 1; i <= spawners; ++i) {
    SpawnerView view;
    view.id = static_cast<std::uint64_t>(i);
    view.region = "region-" + std::to_string(i % regions);
    view.host = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    view.port = 8080;
    view.max_instances = 32;
    view.current_instances = static_cast<std::uint32_t>(i % 33);  // a mixed fleet, some full
    view.status = "active";
    view.revision = 1;
    fleet.Upsert(view, 0);
  }
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(samples));
  std::string body = R"({"region":"region-0","placement":"packed"})";
  for (int i = 0; i < samples; ++i) {
    if (i % 2 == 1) body = R"({"region":"region-0","placement":"spread"})";
    auto start = Clock::now();
    auto parsed = ParseAllocationRequest(body);
    const auto& request = std::get<AllocationRequest>(parsed);
    auto reservation = fleet.Reserve(request.region, request.placement, {}, 0);
    auto end = Clock::now();
    if (!reservation) {
      std::fprintf(stderr, "no capacity\n");
      return 1;
    }
    fleet.Abandon(*reservation, false, 0);
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<std::size_t>(q * (micros.size() - 1))]; };
  std::printf(
      "spawners %d, regions %d (%d spawners in the region asked), %d samples: "
      "p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
      spawners, regions, spawners / regions, samples, at(0.5), at(0.99), at(0.999), micros.back());
  return 0;
}
