#include "spawner_table.h"

#include <gtest/gtest.h>

#include <thread>

namespace sr::spawner_registry {
namespace {

constexpr std::int64_t kSuspectMs = 30000;
constexpr std::int64_t kTtlMs = 60000;

Liveness At(std::int64_t now_ms) { return Liveness{now_ms, kSuspectMs, kTtlMs}; }

SpawnerTable::Entry MakeEntry(SpawnerId id, std::int64_t alive_at_ms = 0) {
  SpawnerTable::Entry entry;
  entry.identity = MakeIdentity(id, "eu", "10.0.0." + std::to_string(id % 250), 7000);
  entry.load = SpawnerLoad{10, 0, "idle"};
  entry.last_seen_ms = 1000;
  entry.alive_at_ms = alive_at_ms;
  return entry;
}

HeartbeatUpdate Load(std::int32_t current) {
  HeartbeatUpdate update;
  update.current_instances = current;
  update.status = "busy";
  return update;
}

TEST(SpawnerRegistryTableTest, InsertGetAndHeartbeat) {
  SpawnerTable table(4);
  table.Insert(MakeEntry(1));
  EXPECT_EQ(table.size(), 1u);
  EXPECT_FALSE(table.Get(2, At(0)));
  EXPECT_FALSE(table.Heartbeat(2, Load(1), 5000, 10));
  ASSERT_TRUE(table.Heartbeat(1, Load(4), 5000, 10));
  auto spawner = table.Get(1, At(10));
  ASSERT_TRUE(spawner);
  EXPECT_EQ(spawner->load.current_instances, 4);
  EXPECT_EQ(spawner->load.max_instances, 10);  // absent from the heartbeat: kept
  EXPECT_EQ(spawner->load.status, "busy");
  EXPECT_EQ(spawner->last_seen_ms, 5000);
}

TEST(SpawnerRegistryTableTest, VersionsTellHeartbeatsFromMembershipChanges) {
  SpawnerTable table;
  table.Insert(MakeEntry(1));
  auto membership = table.membership_version();
  auto version = table.version();
  table.Heartbeat(1, Load(1), 1, 1);
  EXPECT_EQ(table.membership_version(), membership);
  EXPECT_GT(table.version(), version);
  table.BeginRemoval(1);
  table.FinishRemoval(1, At(0));
  EXPECT_GT(table.membership_version(), membership);
}

TEST(SpawnerRegistryTableTest, SuspectAfterSilence) {
  SpawnerTable table;
  table.Insert(MakeEntry(1, 0));
  EXPECT_FALSE(table.Get(1, At(kSuspectMs))->suspect);
  EXPECT_TRUE(table.Get(1, At(kSuspectMs + 1))->suspect);
  table.Heartbeat(1, Load(0), 1, kSuspectMs + 1);
  EXPECT_FALSE(table.Get(1, At(kSuspectMs + 2))->suspect);
}

TEST(SpawnerRegistryTableTest, DirtySpawnersAreTakenOnce) {
  SpawnerTable table(2);
  for (SpawnerId id = 1; id <= 4; ++id) table.Insert(MakeEntry(id));
  table.Heartbeat(1, Load(1), 1, 1);
  table.Heartbeat(1, Load(2), 1, 1);
  table.Heartbeat(3, Load(3), 1, 1);
  auto dirty = table.TakeDirty(At(1));
  ASSERT_EQ(dirty.size(), 2u);
  EXPECT_TRUE(table.TakeDirty(At(1)).empty());
  table.MarkDirty({1, 99});
  EXPECT_EQ(table.TakeDirty(At(1)).size(), 1u);
}

TEST(SpawnerRegistryTableTest, SpawnersBeingRemovedStayOutOfWriteBehind) {
  SpawnerTable table;
  table.Insert(MakeEntry(1));
  table.Heartbeat(1, Load(1), 1, 1);
  ASSERT_TRUE(table.BeginRemoval(1));
  EXPECT_FALSE(table.BeginRemoval(1));  // already under way
  EXPECT_TRUE(table.Get(1, At(1)));     // still visible until the commit
  EXPECT_TRUE(table.TakeDirty(At(1)).empty());
  table.CancelRemoval(1);
  EXPECT_EQ(table.TakeDirty(At(1)).size(), 1u);  // its heartbeat is written after all
  ASSERT_TRUE(table.BeginRemoval(1));
  EXPECT_TRUE(table.FinishRemoval(1, At(1)));
  EXPECT_FALSE(table.Get(1, At(1)));
  EXPECT_EQ(table.size(), 0u);
}

TEST(SpawnerRegistryTableTest, ExpiryCandidatesAreRecheckedWhenMarked) {
  SpawnerTable table(3);
  table.Insert(MakeEntry(1, 0));
  table.Insert(MakeEntry(2, 0));
  table.Insert(MakeEntry(3, 50000));
  auto expired = table.CollectExpired(At(kTtlMs + 1));
  EXPECT_EQ(expired, (std::vector<SpawnerId>{1, 2}));
  table.Heartbeat(2, Load(0), 1, kTtlMs + 1);  // answered in the meantime
  EXPECT_TRUE(table.BeginRemovalIfExpired(1, At(kTtlMs + 1)));
  EXPECT_FALSE(table.BeginRemovalIfExpired(2, At(kTtlMs + 1)));
  EXPECT_FALSE(table.BeginRemovalIfExpired(1, At(kTtlMs + 1)));  // already marked
  EXPECT_TRUE(table.CollectExpired(At(kTtlMs + 1)).empty());     // marked ones are skipped
}

TEST(SpawnerRegistryTableTest, SnapshotIsInIdOrderAndTotalsAddUp) {
  SpawnerTable table(7);
  for (SpawnerId id : {5, 3, 11, 1, 8}) table.Insert(MakeEntry(id, id == 3 ? -kSuspectMs : 0));
  table.Heartbeat(8, Load(6), 1, 0);
  auto all = table.SnapshotAll(At(1));
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].identity->id, all[i].identity->id);
  }
  auto totals = table.ComputeTotals(At(1));
  EXPECT_EQ(totals.spawners, 5u);
  EXPECT_EQ(totals.suspect, 1u);
  EXPECT_EQ(totals.max_instances, 50u);
  EXPECT_EQ(totals.current_instances, 6u);
}

TEST(SpawnerRegistryTableTest, ConcurrentHeartbeatsAndSnapshots) {
  SpawnerTable table;
  for (SpawnerId id = 1; id <= 500; ++id) table.Insert(MakeEntry(id));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        table.Heartbeat(static_cast<SpawnerId>(i % 500 + 1), Load(t), i, i);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(table.SnapshotAll(At(0)).size(), 500u);
    table.TakeDirty(At(0));
  }
  stop = true;
  for (auto& thread : threads) thread.join();
}

}  // namespace
}  // namespace sr::spawner_registry
