// One registry over several masters: ids unique across hosts, registrations, deletions and
// heartbeats seen by every host within a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "cluster.h"
#include "fleet_api.h"
#include "http_client.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

// Heartbeats reach the database within 200 ms, so that the other host follows quickly.
const MasterOptions kQuickWriteBehind{"      heartbeat_flush_interval: 200ms\n", "", ""};

TEST_F(ClusterTest, ConcurrentRegistrationsOnTwoHostsGetDistinctIds) {
  ASSERT_TRUE(StartMasters(2));
  constexpr int kThreadsPerHost = 3;
  constexpr int kPerThread = 40;
  std::mutex mutex;
  std::vector<std::uint64_t> ids;
  std::vector<std::thread> threads;
  for (std::size_t host = 0; host < 2; ++host) {
    for (int t = 0; t < kThreadsPerHost; ++t) {
      threads.emplace_back([&, host, t] {
        HttpClient client(master(host).port());
        for (int i = 0; i < kPerThread; ++i) {
          int status = 0;
          auto id = Register(client, 20000 + t * 100 + i, &status);
          EXPECT_TRUE(id.has_value()) << "host " << host << " answered " << status;
          std::lock_guard<std::mutex> lock(mutex);
          if (id) ids.push_back(*id);
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  const std::size_t total = 2 * kThreadsPerHost * kPerThread;
  ASSERT_EQ(ids.size(), total);
  std::set<std::uint64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), total) << "an id was handed out twice";

  // Both hosts end up listing exactly these.
  for (std::size_t host = 0; host < 2; ++host) {
    EXPECT_TRUE(Eventually([&] { return ListedIds(master(host).port()) == distinct; }, 2s))
        << "host " << host << " lists " << ListedIds(master(host).port()).value_or(std::set<std::uint64_t>{}).size()
        << " of " << total;
  }
}

TEST_F(ClusterTest, ARegistrationAndADeletionAreSeenByTheOtherHostWithinASecond) {
  ASSERT_TRUE(StartMasters(2));
  HttpClient a(master(0).port());
  HttpClient b(master(1).port());
  for (int round = 0; round < 3; ++round) {
    auto id = Register(a, 7000 + round);
    ASSERT_TRUE(id.has_value());
    auto seen = TimeUntil([&] { return Lookup(b, *id) == 200; }, 3s);
    ASSERT_TRUE(seen.has_value()) << "host B never saw spawner " << *id;
    EXPECT_LE(seen->count(), 1000) << "host B saw spawner " << *id << " after " << seen->count()
                                   << " ms";

    ASSERT_EQ(Delete(b, *id), 200);
    auto gone = TimeUntil([&] { return Lookup(a, *id) == 404; }, 3s);
    ASSERT_TRUE(gone.has_value()) << "host A still has spawner " << *id;
    EXPECT_LE(gone->count(), 1000) << "host A dropped spawner " << *id << " after "
                                   << gone->count() << " ms";
  }
}

TEST_F(ClusterTest, HeartbeatsLandOnEitherHost) {
  ASSERT_TRUE(StartMasters(2, kQuickWriteBehind));
  std::uint64_t id = RegisterOrFail(master(0).port());
  ASSERT_NE(id, 0u);
  HttpClient b(master(1).port());
  ASSERT_TRUE(Eventually([&] { return Lookup(b, id) == 200; }, 2s));

  // A heartbeat through B: answered at once, and A follows once B has written it behind.
  ASSERT_EQ(Heartbeat(b, id, 7), 200);
  auto on_b = GetSpawner(master(1).port(), id);
  ASSERT_TRUE(on_b.has_value());
  EXPECT_EQ(on_b->current_instances, 7);
  EXPECT_TRUE(Eventually(
      [&] {
        auto on_a = GetSpawner(master(0).port(), id);
        return on_a && on_a->current_instances == 7 && on_a->last_seen == on_b->last_seen;
      },
      2s))
      << "A: " << GetSpawner(master(0).port(), id).value_or(SpawnerView{}).current_instances;

  // And back through A: B follows too.
  HttpClient a(master(0).port());
  ASSERT_EQ(Heartbeat(a, id, 3), 200);
  EXPECT_TRUE(Eventually(
      [&] {
        auto again = GetSpawner(master(1).port(), id);
        return again && again->current_instances == 3;
      },
      2s));
}

TEST_F(ClusterTest, ThreeHostsSeeEveryRegistrationAndEachOther) {
  // A quick sweep, so that one of them has taken the sweeper's lease by the time we look.
  ASSERT_TRUE(StartMasters(3, MasterOptions{"      sweep_interval: 500ms\n", "", ""}));
  std::set<std::uint64_t> ids;
  for (std::size_t host = 0; host < 3; ++host) {
    HttpClient client(master(host).port());
    for (int i = 0; i < 10; ++i) {
      auto id = Register(client, 30000 + static_cast<int>(host) * 100 + i);
      ASSERT_TRUE(id.has_value());
      ids.insert(*id);
    }
  }
  ASSERT_EQ(ids.size(), 30u);
  for (std::size_t host = 0; host < 3; ++host) {
    EXPECT_TRUE(Eventually([&] { return ListedIds(master(host).port()) == ids; }, 2s))
        << "host " << host;
  }

  // Every host lists the three (each under its own name), healthy, and exactly one of them
  // holds the sweeper's lease.
  auto sweepers = [](const ClusterView& view) {
    int count = 0;
    for (const ClusterHost& entry : view.hosts) {
      count += static_cast<int>(
          std::count(entry.leases.begin(), entry.leases.end(), std::string("spawner-sweeper")));
    }
    return count;
  };
  for (std::size_t host = 0; host < 3; ++host) {
    std::optional<ClusterView> view;
    EXPECT_TRUE(Eventually(
        [&] {
          view = GetCluster(master(host).port());
          return view && view->hosts.size() == 3 && sweepers(*view) == 1 &&
                 std::all_of(view->hosts.begin(), view->hosts.end(),
                             [](const ClusterHost& h) { return h.healthy; });
        },
        5s))
        << "host " << host << " sees " << (view ? view->hosts.size() : 0) << " host(s), "
        << (view ? sweepers(*view) : 0) << " sweeper(s)";
    if (!view) continue;
    EXPECT_TRUE(view->database_healthy);
    std::set<std::string> names;
    int this_hosts = 0;
    for (const ClusterHost& entry : view->hosts) {
      names.insert(entry.name);
      if (entry.this_host) {
        ++this_hosts;
        EXPECT_EQ(entry.name, view->this_host);
      }
    }
    EXPECT_EQ(names.size(), 3u) << "hosts share a name";
    EXPECT_EQ(this_hosts, 1);
  }
}

}  // namespace
}  // namespace sr::test::cluster
