#include "spawner_list_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "registry_fakes.h"

namespace sr::spawner_registry {
namespace {

using testing::FakeClock;

constexpr std::int64_t kStalenessMs = 250;

struct SpawnerRegistryListCacheTest : ::testing::Test {
  FakeClock clock;
  SpawnerTable table;
  SpawnerListCache cache{table, clock, 30000, kStalenessMs};

  void Add(SpawnerId id) {
    SpawnerTable::Entry entry;
    entry.identity = MakeIdentity(id, "eu", "h", 1);
    entry.alive_at_ms = clock.SteadyMs();
    table.Insert(std::move(entry));
  }
  void Beat(SpawnerId id, std::int32_t current) {
    HeartbeatUpdate update;
    update.current_instances = current;
    table.Heartbeat(id, update, clock.WallMs(), clock.SteadyMs());
  }
};

TEST_F(SpawnerRegistryListCacheTest, BuildsOnceAndSharesTheBytes) {
  Add(1);
  Add(2);
  EXPECT_FALSE(cache.Fresh());
  auto built = cache.Get();
  EXPECT_EQ(built.count, 2u);
  EXPECT_EQ(built.json->front(), '[');
  auto again = cache.Get();
  EXPECT_EQ(again.json.get(), built.json.get());  // the same bytes, not a copy
}

TEST_F(SpawnerRegistryListCacheTest, NewAndRemovedSpawnersShowAtOnce) {
  Add(1);
  auto first = cache.Get();
  Add(2);
  EXPECT_FALSE(cache.Fresh());
  EXPECT_EQ(cache.Get().count, 2u);
  table.BeginRemoval(1);
  table.FinishRemoval(1, Liveness{clock.SteadyMs(), 30000, 60000});
  EXPECT_EQ(cache.Get().count, 1u);
}

TEST_F(SpawnerRegistryListCacheTest, HeartbeatsShowWithinTheStalenessBound) {
  Add(1);
  auto first = cache.Get();
  Beat(1, 7);
  auto cached = cache.Fresh();
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->json.get(), first.json.get());
  clock.Advance(kStalenessMs);
  EXPECT_FALSE(cache.Fresh());
  EXPECT_NE(cache.Get().json->find("\"current_instances\":7"), std::string::npos);
}

TEST_F(SpawnerRegistryListCacheTest, AnUnchangedListIsServedUntilASpawnerTurnsSuspect) {
  Add(1);
  auto first = cache.Get();
  clock.Advance(10 * kStalenessMs);  // older than the bound, but nothing changed
  auto cached = cache.Fresh();
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->json.get(), first.json.get());
  clock.Advance(30000);  // spawner 1 is now suspect: the cached list would lie
  EXPECT_FALSE(cache.Fresh());
  EXPECT_NE(cache.Get().json->find("\"health\":\"suspect\""), std::string::npos);
}

TEST_F(SpawnerRegistryListCacheTest, WaitersShareOneBuild) {
  Add(1);
  int served = 0;
  bool first_must_build = false;
  bool second_must_build = false;
  EXPECT_FALSE(cache.GetOrWait([&](const auto&) { ++served; }, first_must_build));
  EXPECT_FALSE(cache.GetOrWait([&](const auto&) { ++served; }, second_must_build));
  EXPECT_TRUE(first_must_build);
  EXPECT_FALSE(second_must_build);
  cache.Build();
  EXPECT_EQ(served, 2);
  bool must_build = true;
  auto fresh = cache.GetOrWait([&](const auto&) { ++served; }, must_build);
  EXPECT_TRUE(fresh);
  EXPECT_FALSE(must_build);
  EXPECT_EQ(served, 2);
}

TEST_F(SpawnerRegistryListCacheTest, AWaiterNeverGetsAListOlderThanItsRequest) {
  Add(1);
  cache.Get();
  Add(2);  // the next reader must see spawner 2
  std::size_t seen = 0;
  bool must_build = false;
  cache.GetOrWait([&](const SpawnerListCache::Snapshot& list) { seen = list.count; }, must_build);
  ASSERT_TRUE(must_build);
  cache.Build();
  EXPECT_EQ(seen, 2u);
}

TEST_F(SpawnerRegistryListCacheTest, BuildsWhileHeartbeatsRun) {
  for (SpawnerId id = 1; id <= 200; ++id) Add(id);
  std::atomic<bool> stop{false};
  std::thread beats([&] {
    for (int i = 0; !stop; ++i) Beat(static_cast<SpawnerId>(i % 200 + 1), i % 100);
  });
  for (int i = 0; i < 20; ++i) {
    clock.Advance(kStalenessMs);
    EXPECT_EQ(cache.Get().count, 200u);
  }
  stop = true;
  beats.join();
}

}  // namespace
}  // namespace sr::spawner_registry
