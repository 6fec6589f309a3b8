#include "spawner_directory_service.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "registry_fakes.h"

namespace sr::spawner_registry {
namespace {

struct SpawnerRegistryDirectoryServiceTest : ::testing::Test {
  testing::FakeClock clock;
  testing::RecordingEvents events;
  Registry registry{RegistryOptions{}, nullptr, events, clock};
  SpawnerDirectoryService service{registry};
  // What a version-1 user sees, and the whole version-2 table.
  const sr_spawner_directory_v1& api = *service.vtable_v1();
  const sr_spawner_directory_v2& v2 = *service.vtable();

  void Register(std::int32_t max_instances, std::string region = "eu") {
    Registration registration;
    registration.region = std::move(region);
    registration.host = "10.0.0.1";
    registration.port = 7000;
    registration.max_instances = max_instances;
    registry.Register(std::move(registration), "10.9.8.7", [](const ChangeOutcome&) {});
  }
};

struct Received {
  std::string json;
  std::uint64_t version = 0;
};

void Receive(void* ctx, sr_str json, uint64_t version) {
  auto* received = static_cast<Received*>(ctx);
  received->json.assign(json.data, json.size);
  received->version = version;
}

TEST_F(SpawnerRegistryDirectoryServiceTest, OneTableServesVersionOneAndTwo) {
  EXPECT_EQ(v2.struct_size, sizeof(sr_spawner_directory_v2));
  EXPECT_GE(api.struct_size, sizeof(sr_spawner_directory_v1));
  EXPECT_EQ(static_cast<const void*>(&api), static_cast<const void*>(&v2));
  EXPECT_EQ(api.totals, v2.totals);
  EXPECT_EQ(api.snapshot, v2.snapshot);
  EXPECT_NE(v2.visit, nullptr);
  EXPECT_NE(v2.region_totals, nullptr);
}

TEST_F(SpawnerRegistryDirectoryServiceTest, TotalsFillWhatTheCallerKnows) {
  Register(4);
  Register(6);
  sr_spawner_totals totals{};
  totals.struct_size = sizeof(totals);
  ASSERT_EQ(api.totals(api.self, &totals), SR_OK);
  EXPECT_EQ(totals.spawners, 2u);
  EXPECT_EQ(totals.max_instances, 10u);
  EXPECT_GT(totals.version, 0u);
  // An older caller whose struct ends before `version` gets nothing past its end.
  sr_spawner_totals older{};
  older.struct_size = offsetof(sr_spawner_totals, version);
  older.version = 12345;
  ASSERT_EQ(api.totals(api.self, &older), SR_OK);
  EXPECT_EQ(older.spawners, 2u);
  EXPECT_EQ(older.version, 12345u);
  EXPECT_EQ(older.struct_size, offsetof(sr_spawner_totals, version));
}

TEST_F(SpawnerRegistryDirectoryServiceTest, GetAndSnapshotGiveTheRoutesJson) {
  Register(4);
  Received one;
  ASSERT_EQ(api.get(api.self, 1, &Receive, &one), SR_OK);
  EXPECT_EQ(one.json.rfind("{\"id\":1,", 0), 0u) << one.json;
  EXPECT_EQ(api.get(api.self, 99, &Receive, &one), SR_ERR_NOT_FOUND);
  Received all;
  ASSERT_EQ(api.snapshot(api.self, &Receive, &all), SR_OK);
  EXPECT_EQ(all.json, "[" + one.json + "]");
  EXPECT_EQ(api.snapshot(api.self, nullptr, nullptr), SR_ERR_INVALID_ARGUMENT);
}

std::string Text(sr_str text) { return std::string(text.data, text.size); }

struct Visited {
  std::vector<sr_spawner_record> records;
  std::vector<std::string> regions;
  std::vector<std::string> statuses;
  std::size_t stop_after = SIZE_MAX;
};

int32_t Visit(void* ctx, const sr_spawner_record* record) {
  auto* visited = static_cast<Visited*>(ctx);
  visited->records.push_back(*record);
  visited->regions.push_back(Text(record->region));
  visited->statuses.push_back(Text(record->status));
  return visited->records.size() < visited->stop_after ? 1 : 0;
}

TEST_F(SpawnerRegistryDirectoryServiceTest, VisitGivesEverySpawnerAsAStructByAscendingId) {
  Register(4, "eu");
  Register(6, "us");
  clock.Advance(1);
  HeartbeatUpdate update;
  update.current_instances = 3;
  ASSERT_TRUE(registry.Heartbeat(2, update));
  Visited visited;
  ASSERT_EQ(v2.visit(v2.self, &Visit, &visited), SR_OK);
  ASSERT_EQ(visited.records.size(), 2u);
  const sr_spawner_record& first = visited.records[0];
  EXPECT_EQ(first.struct_size, sizeof(sr_spawner_record));
  EXPECT_EQ(first.id, 1u);
  EXPECT_EQ(visited.regions[0], "eu");
  EXPECT_EQ(first.port, 7000u);
  EXPECT_EQ(first.max_instances, 4u);
  EXPECT_EQ(first.current_instances, 0u);
  EXPECT_EQ(visited.statuses[0], "active");
  EXPECT_EQ(first.last_seen_ms, clock.WallMs() - 1);
  EXPECT_EQ(first.suspect, 0u);
  EXPECT_EQ(first.revision, 1u);
  const sr_spawner_record& second = visited.records[1];
  EXPECT_EQ(second.id, 2u);
  EXPECT_EQ(visited.regions[1], "us");
  EXPECT_EQ(second.current_instances, 3u);
  EXPECT_EQ(second.revision, 2u);  // registered, then one heartbeat
  EXPECT_EQ(second.last_seen_ms, clock.WallMs());
}

TEST_F(SpawnerRegistryDirectoryServiceTest, VisitStopsWhenTheCallbackSaysSo) {
  Register(1);
  Register(1);
  Register(1);
  Visited visited;
  visited.stop_after = 2;
  ASSERT_EQ(v2.visit(v2.self, &Visit, &visited), SR_OK);
  EXPECT_EQ(visited.records.size(), 2u);
  EXPECT_EQ(v2.visit(v2.self, nullptr, nullptr), SR_ERR_INVALID_ARGUMENT);
}

TEST_F(SpawnerRegistryDirectoryServiceTest, VisitMarksSuspectSpawners) {
  Register(1);
  clock.Advance(RegistryOptions{}.suspect_after.count() + 1);
  Visited visited;
  ASSERT_EQ(v2.visit(v2.self, &Visit, &visited), SR_OK);
  ASSERT_EQ(visited.records.size(), 1u);
  EXPECT_EQ(visited.records[0].suspect, 1u);
}

struct Regions {
  std::vector<std::string> names;
  std::vector<sr_spawner_region_totals> totals;
};

int32_t CollectRegion(void* ctx, const sr_spawner_region_totals* totals) {
  auto* regions = static_cast<Regions*>(ctx);
  regions->names.push_back(Text(totals->region));
  regions->totals.push_back(*totals);
  return 1;
}

TEST_F(SpawnerRegistryDirectoryServiceTest, RegionTotalsSumEachRegionByName) {
  Register(4, "us");
  Register(6, "eu");
  Register(5, "eu");
  HeartbeatUpdate update;
  update.current_instances = 2;
  ASSERT_TRUE(registry.Heartbeat(3, update));
  Regions regions;
  ASSERT_EQ(v2.region_totals(v2.self, &CollectRegion, &regions), SR_OK);
  ASSERT_EQ(regions.names, (std::vector<std::string>{"eu", "us"}));
  EXPECT_EQ(regions.totals[0].struct_size, sizeof(sr_spawner_region_totals));
  EXPECT_EQ(regions.totals[0].spawners, 2u);
  EXPECT_EQ(regions.totals[0].max_instances, 11u);
  EXPECT_EQ(regions.totals[0].current_instances, 2u);
  EXPECT_EQ(regions.totals[0].suspect, 0u);
  EXPECT_EQ(regions.totals[1].spawners, 1u);
  EXPECT_EQ(regions.totals[1].max_instances, 4u);
  // A deleted spawner leaves its region's totals; an emptied region is not listed.
  registry.Delete(1, [](const ChangeOutcome&) {});
  Regions after;
  ASSERT_EQ(v2.region_totals(v2.self, &CollectRegion, &after), SR_OK);
  EXPECT_EQ(after.names, (std::vector<std::string>{"eu"}));
  EXPECT_EQ(v2.region_totals(v2.self, nullptr, nullptr), SR_ERR_INVALID_ARGUMENT);
}

// The lining-up rule of the header: an event is reflected in a snapshot when the snapshot's
// record of that spawner has at least the event's revision.
TEST_F(SpawnerRegistryDirectoryServiceTest, EventsCarryTheRevisionsVisitReports) {
  Register(4, "eu");
  HeartbeatUpdate update;
  update.current_instances = 1;
  ASSERT_TRUE(registry.Heartbeat(1, update));
  registry.FlushDirty();
  auto published = events.Take();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_NE(published[0].second.find(R"("revision":1})"), std::string::npos) << published[0].second;
  EXPECT_EQ(published[1].first, "spawner.updated");
  EXPECT_NE(published[1].second.find(R"("revision":2})"), std::string::npos) << published[1].second;
  Visited visited;
  ASSERT_EQ(v2.visit(v2.self, &Visit, &visited), SR_OK);
  EXPECT_EQ(visited.records.at(0).revision, 2u);
  registry.Delete(1, [](const ChangeOutcome&) {});
  auto removed = events.Take();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].first, "spawner.removed");
  EXPECT_NE(removed[0].second.find(R"("revision":2,"spawner":{"id":1,"region":"eu",)"),
            std::string::npos)
      << removed[0].second;
}

}  // namespace
}  // namespace sr::spawner_registry
