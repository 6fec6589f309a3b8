// One sweeper per cluster: the master holding the "spawner-sweeper" lease expires silent
// spawners; when it dies, another takes the lease over within one sweep interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "cluster.h"
#include "fleet_api.h"
#include "http_client.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

constexpr auto kTtl = 2s;
constexpr auto kSweepInterval = 500ms;
// Scheduling on a loaded CI machine, the watch's delivery and our own polling; an
// instrumented build (every master under AddressSanitizer) runs several times slower.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr auto kSlack = 2100ms;
#else
constexpr auto kSlack = 700ms;
#endif

const MasterOptions kShortTtl{
    "      ttl: 2s\n      sweep_interval: 500ms\n      heartbeat_flush_interval: 200ms\n", "",
    ""};

// The index (in `names`) of the master holding the sweeper's lease, as the master at `port`
// sees the cluster, while every master is alive. (A dead master's row keeps its last list of
// leases: after a death, SweepsItself asks the survivor.)
std::optional<std::size_t> Sweeper(std::uint16_t port, const std::vector<std::string>& names) {
  auto view = GetCluster(port);
  if (!view) return std::nullopt;
  for (const ClusterHost& host : view->hosts) {
    if (std::find(host.leases.begin(), host.leases.end(), "spawner-sweeper") == host.leases.end()) {
      continue;
    }
    auto at = std::find(names.begin(), names.end(), host.name);
    if (at != names.end()) return static_cast<std::size_t>(at - names.begin());
  }
  return std::nullopt;
}

// Whether the master at `port` lists itself as holding the sweeper's lease.
bool SweepsItself(std::uint16_t port) {
  auto view = GetCluster(port);
  if (!view) return false;
  for (const ClusterHost& host : view->hosts) {
    if (host.this_host) {
      return std::find(host.leases.begin(), host.leases.end(), "spawner-sweeper") !=
             host.leases.end();
    }
  }
  return false;
}

TEST_F(ClusterTest, WhenTheSweeperDiesAnotherMasterExpiresSilentSpawners) {
  ASSERT_TRUE(StartMasters(2, kShortTtl));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 2; ++i) {
    auto view = GetCluster(master(i).port());
    ASSERT_TRUE(view.has_value());
    names.push_back(view->this_host);
  }
  std::optional<std::size_t> leader;
  ASSERT_TRUE(Eventually([&] { return (leader = Sweeper(master(0).port(), names)).has_value(); }, 5s))
      << "nobody took the sweeper's lease";
  TestHost& sweeper = master(*leader);
  TestHost& survivor = master(1 - *leader);
  HttpClient on_survivor(survivor.port());

  // A spawner that keeps heartbeating (through the sweeper, until it dies) and one that never
  // does, both registered through the survivor.
  std::uint64_t alive = RegisterOrFail(survivor.port(), 7001);
  auto registered_at = std::chrono::steady_clock::now();
  std::uint64_t silent = RegisterOrFail(survivor.port(), 7002);
  ASSERT_NE(alive, 0u);
  ASSERT_NE(silent, 0u);
  HttpClient on_sweeper(sweeper.port());
  ASSERT_TRUE(Eventually([&] { return Lookup(on_sweeper, alive) == 200; }, 2s));

  // Until just before the silent one's TTL runs out, only the sweeper sees heartbeats.
  while (std::chrono::steady_clock::now() < registered_at + kTtl - 400ms) {
    ASSERT_EQ(Heartbeat(on_sweeper, alive), 200);
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(Lookup(on_survivor, silent), 200) << "expired before its TTL";
  sweeper.Kill();

  // The survivor now heartbeats the live one and must expire the silent one on its own: by
  // the TTL plus one sweep interval after the registration.
  std::optional<std::chrono::milliseconds> expired;
  auto deadline = registered_at + kTtl + kSweepInterval + kSlack;
  while (std::chrono::steady_clock::now() < deadline + 2s && !expired) {
    ASSERT_EQ(Heartbeat(on_survivor, alive), 200);
    if (Lookup(on_survivor, silent) == 404) {
      expired = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - registered_at);
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(expired.has_value()) << "the survivor never expired the silent spawner";
  EXPECT_LE(*expired, std::chrono::duration_cast<std::chrono::milliseconds>(
                          kTtl + kSweepInterval + kSlack))
      << "expired " << expired->count() << " ms after registration (TTL 2000 ms, sweep 500 ms, slack "
      << kSlack.count() << " ms)";
  EXPECT_EQ(Lookup(on_survivor, alive), 200) << "the heartbeating spawner expired too";
  std::cout << "the survivor expired the silent spawner " << expired->count()
            << " ms after its registration\n";
  // The survivor's own row in sr_hosts says it sweeps now (rows are written every second).
  EXPECT_TRUE(Eventually([&] { return SweepsItself(survivor.port()); }, 2s));
}

TEST_F(ClusterTest, AFollowerDoesNotSweepSpawnersThatHeartbeatOnTheLeader) {
  ASSERT_TRUE(StartMasters(2, kShortTtl));
  std::uint64_t id = RegisterOrFail(master(0).port());
  ASSERT_NE(id, 0u);
  // Heartbeats alternate between the masters for three TTLs: neither may expire it, whichever
  // of them leads, since each sees the other's heartbeats through the database.
  HttpClient a(master(0).port());
  HttpClient b(master(1).port());
  auto until = std::chrono::steady_clock::now() + 3 * kTtl;
  for (int round = 0; std::chrono::steady_clock::now() < until; ++round) {
    // The cluster hears from the spawner every 1.3 s, within the 2 s TTL; each master alone
    // only every 2.6 s, beyond it: a master that missed the other's heartbeats would expire it.
    ASSERT_EQ(Heartbeat(round % 2 == 0 ? a : b, id), 200) << "round " << round;
    std::this_thread::sleep_for(1300ms);
  }
  EXPECT_EQ(Lookup(a, id), 200);
  EXPECT_EQ(Lookup(b, id), 200);
}

}  // namespace
}  // namespace sr::test::cluster
