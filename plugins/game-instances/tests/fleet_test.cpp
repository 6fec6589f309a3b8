#include "fleet.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sr::game_instances {
namespace {

SpawnerView View(std::uint64_t id, std::string region, std::uint32_t max, std::uint32_t current = 0,
                 std::uint64_t revision = 1) {
  SpawnerView view;
  view.id = id;
  view.region = std::move(region);
  view.host = "10.0.0." + std::to_string(id);
  view.port = 9000;
  view.max_instances = max;
  view.current_instances = current;
  view.status = "active";
  view.revision = revision;
  return view;
}

AgentInstance Started(std::string id) { return AgentInstance{std::move(id), 7777, ""}; }

TEST(Fleet, FreeSlotsCountTheLargerOfReportedAndTrackedAndTheReservations) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 4, /*current=*/1), 0);
  auto r1 = fleet.Reserve("eu", Placement::kPacked, {}, 0);
  ASSERT_TRUE(r1);
  EXPECT_EQ(fleet.Regions(0)[0].free, 2u);  // 4 - max(1, 0) - 1 reserved
  fleet.Confirm(*r1, Started("a"), "allocation", 0);
  EXPECT_EQ(fleet.Regions(0)[0].free, 3u);  // 4 - max(1, 1)
  fleet.Upsert(View(1, "eu", 4, /*current=*/3, /*revision=*/2), 0);
  EXPECT_EQ(fleet.Regions(0)[0].free, 1u);
  fleet.Upsert(View(1, "eu", 4, /*current=*/0, /*revision=*/1), 0);  // older: ignored
  EXPECT_EQ(fleet.Regions(0)[0].free, 1u);
}

TEST(Fleet, ConcurrentReservationsNeverExceedTheCapacity) {
  Fleet fleet({});
  std::uint32_t capacity = 0;
  for (std::uint64_t id = 1; id <= 50; ++id) {
    fleet.Upsert(View(id, "eu", static_cast<std::uint32_t>(id % 7)), 0);
    capacity += static_cast<std::uint32_t>(id % 7);
  }
  std::atomic<std::uint32_t> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto reservation =
            fleet.Reserve("eu", t % 2 ? Placement::kSpread : Placement::kPacked, {}, 0);
        if (!reservation) continue;
        ++granted;
        if (i % 3 == 0) {
          fleet.Abandon(*reservation, false, 0);
          --granted;
        } else {
          fleet.Confirm(
              *reservation,
              Started(
                  std::string("t").append(std::to_string(t)).append("-").append(std::to_string(i))),
              "allocation", 0);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), capacity);
  auto row = fleet.Regions(0).at(0);
  EXPECT_EQ(row.free, 0u);
  EXPECT_EQ(row.used, capacity);
  EXPECT_EQ(fleet.List({}).size(), capacity);
}

TEST(Fleet, PackedPrefersTheFullestAndSpreadTheEmptiest) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 10, 2), 0);
  fleet.Upsert(View(2, "eu", 10, 8), 0);
  fleet.Upsert(View(3, "eu", 10, 10), 0);  // full
  fleet.Upsert(View(4, "us", 10, 0), 0);   // another region
  EXPECT_EQ(fleet.Reserve("eu", Placement::kPacked, {}, 0)->spawner_id, 2u);
  EXPECT_EQ(fleet.Reserve("eu", Placement::kSpread, {}, 0)->spawner_id, 1u);
  EXPECT_EQ(fleet.Reserve("eu", Placement::kPacked, {2}, 0)->spawner_id, 1u);  // skipped
  EXPECT_FALSE(fleet.Reserve("ap", Placement::kPacked, {}, 0));
}

TEST(Fleet, SuspectUnavailableAndCoolingSpawnersTakeNothing) {
  Fleet fleet({});
  SpawnerView suspect = View(1, "eu", 5);
  suspect.suspect = true;
  SpawnerView draining = View(2, "eu", 5);
  draining.status = "draining";
  fleet.Upsert(suspect, 0);
  fleet.Upsert(draining, 0);
  fleet.Upsert(View(3, "eu", 5), 0);
  auto reservation = fleet.Reserve("eu", Placement::kPacked, {}, 0);
  ASSERT_TRUE(reservation);
  EXPECT_EQ(reservation->spawner_id, 3u);
  for (int i = 0; i < 3; ++i) {  // three failures in a row: cooled down for 30 s
    fleet.Abandon(*reservation, true, 1000);
    reservation = fleet.Reserve("eu", Placement::kPacked, {}, 1000);
    if (i < 2) {
      ASSERT_TRUE(reservation);
    }
  }
  EXPECT_FALSE(reservation);
  EXPECT_EQ(fleet.Regions(1000)[0].free, 0u);
  EXPECT_TRUE(fleet.Reserve("eu", Placement::kPacked, {}, 1000 + 30000));
}

TEST(Fleet, APollEndsWhatTheAgentLostAndAdoptsWhatItDoesNotKnow) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 5), 0);
  auto reservation = fleet.Reserve("eu", Placement::kPacked, {}, 0);
  Instance kept = fleet.Confirm(*reservation, Started("a"), "allocation", 10);
  reservation = fleet.Reserve("eu", Placement::kPacked, {}, 10);
  Instance lost = fleet.Confirm(*reservation, Started("b"), "allocation", 10);
  auto poll = fleet.BeginPoll(1, 100);
  ASSERT_TRUE(poll);
  Fleet::Changes changes = fleet.FinishPoll(*poll, {Started("a"), Started("c")}, 200);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].number, lost.number);
  EXPECT_EQ(changes.ended[0].status, "gone");
  ASSERT_EQ(changes.started.size(), 1u);
  EXPECT_EQ(changes.started[0].agent_instance_id, "c");
  EXPECT_EQ(changes.started[0].source, "adopted");
  EXPECT_EQ(fleet.Get(kept.number)->status, "running");
  EXPECT_EQ(fleet.List({}).size(), 2u);
  Fleet::Filter gone;
  gone.status = "gone";
  EXPECT_EQ(fleet.List(gone).size(), 1u);
}

TEST(Fleet, APollDuringAnAllocationNeitherAdoptsNorEndsIt) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 5), 0);
  auto poll = fleet.BeginPoll(1, 100);
  // The allocation begins and completes while the agent's list is on its way; the list
  // already holds the new instance.
  auto reservation = fleet.Reserve("eu", Placement::kPacked, {}, 110);
  Instance started = fleet.Confirm(*reservation, Started("new"), "allocation", 120);
  Fleet::Changes changes = fleet.FinishPoll(*poll, {Started("new")}, 130);
  EXPECT_TRUE(changes.started.empty());
  EXPECT_TRUE(changes.ended.empty());
  // And the other order: the list was taken before the agent started it.
  poll = fleet.BeginPoll(1, 50);
  changes = fleet.FinishPoll(*poll, {}, 140);
  EXPECT_TRUE(changes.ended.empty());  // recorded after the poll began
  EXPECT_EQ(fleet.List({}).size(), 1u);
  EXPECT_EQ(fleet.Get(started.number)->status, "running");
}

TEST(Fleet, APollWhoseListPredatesAStopDoesNotAdoptTheStoppedInstance) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 5), 0);
  auto reservation = fleet.Reserve("eu", Placement::kPacked, {}, 0);
  Instance instance = fleet.Confirm(*reservation, Started("a"), "allocation", 10);
  auto poll = fleet.BeginPoll(1, 100);
  ASSERT_TRUE(fleet.MarkStopped(instance.number, 110));  // DELETE while the list travels
  Fleet::Changes changes = fleet.FinishPoll(*poll, {Started("a")}, 120);
  EXPECT_TRUE(changes.started.empty());
  EXPECT_TRUE(fleet.List({}).empty());
  EXPECT_EQ(fleet.AgentAddress(1)->first, "10.0.0.1");
  EXPECT_FALSE(fleet.AgentAddress(2));
}

TEST(Fleet, ARemovedSpawnersInstancesAreGoneAndEndedOnesExpire) {
  FleetOptions options;
  options.ended_retention_ms = 1000;
  Fleet fleet(options);
  fleet.Upsert(View(1, "eu", 5), 0);
  fleet.Upsert(View(2, "eu", 5), 0);
  auto r = fleet.Reserve("eu", Placement::kPacked, {2}, 0);
  fleet.Confirm(*r, Started("a"), "allocation", 0);
  auto gone = fleet.Remove(1, 500);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].status, "gone");
  EXPECT_TRUE(fleet.DropEnded(1000).empty());
  EXPECT_EQ(fleet.DropEnded(1500).size(), 1u);
  EXPECT_FALSE(fleet.Get(gone[0].number));
  EXPECT_EQ(fleet.Regions(0).size(), 1u);
}

TEST(Fleet, ReplaceRemovesSpawnersMissingFromTheSnapshotUnlessAnEventIsNewer) {
  Fleet fleet({});
  fleet.Upsert(View(1, "eu", 5), 0);
  fleet.Upsert(View(2, "eu", 5), 200);  // registered after the snapshot began (at 100)
  fleet.Replace({}, 100, 300);
  EXPECT_EQ(fleet.SpawnerIds(false), std::vector<std::uint64_t>{2});
}

TEST(Fleet, RestoredInstancesCountAndIdsAreNeverReused) {
  Fleet fleet({});
  Instance instance;
  instance.number = 7;
  instance.spawner_id = 1;
  instance.agent_instance_id = "x";
  instance.status = "running";
  fleet.Restore({instance}, 5);
  EXPECT_EQ(fleet.next_number(), 8u);
  fleet.Upsert(View(1, "eu", 2), 0);
  EXPECT_EQ(fleet.Regions(0)[0].free, 1u);
  auto r = fleet.Reserve("eu", Placement::kPacked, {}, 0);
  EXPECT_EQ(fleet.Confirm(*r, Started("y"), "allocation", 0).id(), "i-8");
  // A restored instance whose spawner is no longer in the directory is gone.
  auto gone = fleet.Replace({}, 5, 10);
  EXPECT_EQ(gone.size(), 2u);
}

}  // namespace
}  // namespace sr::game_instances
