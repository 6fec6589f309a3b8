#include "spawner_directory_service.h"

#include <gtest/gtest.h>

#include "registry_fakes.h"

namespace sr::spawner_registry {
namespace {

struct SpawnerRegistryDirectoryServiceTest : ::testing::Test {
  testing::FakeClock clock;
  testing::RecordingEvents events;
  Registry registry{RegistryOptions{}, nullptr, events, clock};
  SpawnerDirectoryService service{registry};
  const sr_spawner_directory_v1& api = *service.vtable();

  void Register(std::int32_t max_instances) {
    Registration registration;
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

TEST_F(SpawnerRegistryDirectoryServiceTest, DescribesItsSize) {
  EXPECT_EQ(api.struct_size, sizeof(sr_spawner_directory_v1));
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

}  // namespace
}  // namespace sr::spawner_registry
