// Allocation against fake agents on loopback: capacity under concurrency, placement, failing
// agents, bad input.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "e2e_support.h"

namespace sr::game_instances::testing {
namespace {

using sr::test::HttpResponse;
using sr::test::TestHost;

std::uint64_t SpawnerOf(const HttpResponse& response) {
  rapidjson::Document document = Parse(response.body);
  return document["instance"]["spawner_id"].GetUint64();
}

TEST(AllocationE2E, ConcurrentAllocationsTakeExactlyTheFreeCapacityAndNoAgentIsAskedBeyondIt) {
  TestHost host(InstancesYaml({}));
  ASSERT_TRUE(host.Start());
  // 24 agents with 1..6 slots each (84 in all), answering after 20 ms so that many
  // reservations are in flight at once.
  std::vector<std::unique_ptr<FakeAgent>> agents;
  int capacity = 0;
  for (int i = 0; i < 24; ++i) {
    agents.push_back(std::make_unique<FakeAgent>("eu", 1 + i % 6, 20));
    capacity += 1 + i % 6;
    RegisterAgent(host.port(), *agents.back());
  }
  ASSERT_TRUE(WaitForFree(host.port(), "eu", capacity));

  constexpr int kThreads = 100;
  constexpr int kPerThread = 10;  // 1,000 allocations
  std::atomic<int> created{0};
  std::atomic<int> unavailable{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        HttpResponse response = Allocate(host.port(), R"({"region":"eu"})");
        if (response.status == 201) {
          ++created;
        } else if (response.status == 503 && !response.Header("Retry-After").empty()) {
          ++unavailable;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(created.load(), capacity);
  EXPECT_EQ(unavailable.load(), kThreads * kPerThread - capacity);
  EXPECT_EQ(other.load(), 0);
  for (const auto& agent : agents) {
    EXPECT_EQ(agent->spawns_beyond_max(), 0) << "agent on port " << agent->port();
    EXPECT_EQ(agent->spawn_requests(), agent->max_instances());
  }
  EXPECT_EQ(ListInstances(host.port(), "/api/instances?region=eu").Size(),
            static_cast<rapidjson::SizeType>(capacity));
  EXPECT_EQ(RegionFree(host.port(), "eu"), 0);
}

TEST(AllocationE2E, PackedFillsOneSpawnerFirstAndSpreadBalances) {
  TestHost host(InstancesYaml({}));
  ASSERT_TRUE(host.Start());
  FakeAgent a("eu", 3);
  FakeAgent b("eu", 3);
  FakeAgent c("us", 3);
  std::uint64_t id_a = RegisterAgent(host.port(), a).id;
  std::uint64_t id_b = RegisterAgent(host.port(), b).id;
  RegisterAgent(host.port(), c);
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 6));

  // Packed: the spawner with the fewest free slots that still has one.
  HttpResponse first = Allocate(host.port(), R"({"region":"eu"})");
  ASSERT_EQ(first.status, 201) << first.body;
  std::uint64_t packed = SpawnerOf(first);
  EXPECT_EQ(SpawnerOf(Allocate(host.port(), R"({"region":"eu","placement":"packed"})")), packed);
  EXPECT_EQ(SpawnerOf(Allocate(host.port(), R"({"region":"eu"})")), packed);
  // Full now: the next goes to the other one.
  std::uint64_t other = packed == id_a ? id_b : id_a;
  EXPECT_EQ(SpawnerOf(Allocate(host.port(), R"({"region":"eu"})")), other);

  // Spread over a fresh region: alternates between the emptiest spawners.
  FakeAgent d("ap", 4);
  FakeAgent e("ap", 4);
  std::uint64_t id_d = RegisterAgent(host.port(), d).id;
  std::uint64_t id_e = RegisterAgent(host.port(), e).id;
  ASSERT_TRUE(WaitForFree(host.port(), "ap", 8));
  std::map<std::uint64_t, int> counts;
  for (int i = 0; i < 4; ++i) {
    HttpResponse response = Allocate(host.port(), R"({"region":"ap","placement":"spread"})");
    ASSERT_EQ(response.status, 201) << response.body;
    ++counts[SpawnerOf(response)];
  }
  EXPECT_EQ(counts[id_d], 2);
  EXPECT_EQ(counts[id_e], 2);

  // The instance object of the contract.
  rapidjson::Document body = Parse(first.body);
  const auto& instance = body["instance"];
  for (const char* field :
       {"id", "agent_instance_id", "region", "host", "address", "status", "started_at", "source"}) {
    EXPECT_TRUE(instance.HasMember(field) && instance[field].IsString()) << field;
  }
  EXPECT_EQ(std::string(instance["status"].GetString()), "running");
  EXPECT_EQ(std::string(instance["region"].GetString()), "eu");
  EXPECT_EQ(std::string(instance["source"].GetString()), "allocation");
  EXPECT_EQ(std::string(instance["address"].GetString()),
            "127.0.0.1:" + std::to_string(instance["port"].GetUint()));
  EXPECT_EQ(Allocate(host.port(), R"({"region":"nowhere"})").status, 503);
}

TEST(AllocationE2E, AFailingAgentIsSkippedThenLeftOutForItsCoolDown) {
  TestHost host(InstancesYaml({"      cooldown_after_failures: 2\n      cooldown: 1h\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent broken("eu", 10);  // registered first: packed tries it first (lowest id on ties)
  broken.set_mode(FakeAgent::Mode::kFailing);
  FakeAgent healthy("eu", 10);
  RegisterAgent(host.port(), broken);
  std::uint64_t healthy_id = RegisterAgent(host.port(), healthy).id;
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 20));

  for (int i = 0; i < 4; ++i) {
    HttpResponse response = Allocate(host.port(), R"({"region":"eu","placement":"spread"})");
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(SpawnerOf(response), healthy_id);
  }
  // Two failures in a row, then the cool-down: the broken agent was asked exactly twice.
  EXPECT_EQ(broken.spawn_requests(), 2);
  EXPECT_EQ(healthy.spawn_requests(), 4);

  // With only broken agents left, the allocation fails with the agent's answer.
  FakeAgent lonely("us", 5);
  lonely.set_mode(FakeAgent::Mode::kFailing);
  RegisterAgent(host.port(), lonely);
  ASSERT_TRUE(WaitForFree(host.port(), "us", 5));
  HttpResponse failed = Allocate(host.port(), R"({"region":"us","max_attempts":1})");
  EXPECT_EQ(failed.status, 502);
  EXPECT_NE(failed.body.find("the agent is broken"), std::string::npos) << failed.body;
}

TEST(AllocationE2E, ASilentAgentTimesOutWith504AndTheSlotIsGivenBack) {
  TestHost host(InstancesYaml({"      agent_timeout: 300ms\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent silent("eu", 2);
  silent.set_mode(FakeAgent::Mode::kSilent);
  RegisterAgent(host.port(), silent);
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 2));
  HttpResponse response = Allocate(host.port(), R"({"region":"eu","max_attempts":1})");
  EXPECT_EQ(response.status, 504) << response.body;
  EXPECT_EQ(RegionFree(host.port(), "eu"), 2);  // the reservation was released
}

TEST(AllocationE2E, BadInputIs400NamingTheField) {
  TestHost host(InstancesYaml({}));
  ASSERT_TRUE(host.Start());
  struct Case {
    std::string body;
    std::string field;
  };
  for (const Case& bad :
       std::vector<Case>{{"{}", "region"},
                         {R"({"region":""})", "region"},
                         {R"({"region":7})", "region"},
                         {R"({"region":"eu","placement":"random"})", "placement"},
                         {R"({"region":"eu","max_attempts":0})", "max_attempts"},
                         {R"({"region":"eu","max_attempts":"3"})", "max_attempts"},
                         {R"({"region":"eu","size":3})", "size"},
                         {"not json", "JSON"}}) {
    HttpResponse response = Allocate(host.port(), bad.body);
    EXPECT_EQ(response.status, 400) << bad.body;
    EXPECT_NE(response.body.find(bad.field), std::string::npos) << response.body;
  }
  HttpResponse spawner = sr::test::Fetch(host.port(), "GET", "/api/instances?spawner_id=x");
  EXPECT_EQ(spawner.status, 400);
  EXPECT_NE(spawner.body.find("spawner_id"), std::string::npos);
  HttpResponse status = sr::test::Fetch(host.port(), "GET", "/api/instances?status=dead");
  EXPECT_EQ(status.status, 400);
  EXPECT_NE(status.body.find("status"), std::string::npos);
  EXPECT_EQ(sr::test::Fetch(host.port(), "GET", "/api/instances/i-99").status, 404);
  EXPECT_EQ(sr::test::Fetch(host.port(), "GET", "/api/instances/nope").status, 404);
}

TEST(AllocationE2E, RegionsReportCapacityUsedAndFree) {
  TestHost host(InstancesYaml({}));
  ASSERT_TRUE(host.Start());
  FakeAgent a("eu", 4);
  FakeAgent b("us", 2);
  std::uint64_t id_a = RegisterAgent(host.port(), a).id;
  RegisterAgent(host.port(), b);
  ASSERT_TRUE(WaitForFree(host.port(), "us", 2));
  // A heartbeat that reports more instances than the master tracks counts as used.
  ASSERT_EQ(Heartbeat(host.port(), id_a, 1, 4).status, 200);
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 3));
  ASSERT_EQ(Allocate(host.port(), R"({"region":"eu"})").status, 201);
  rapidjson::Document rows = Parse(sr::test::Fetch(host.port(), "GET", "/api/regions").body);
  ASSERT_TRUE(rows.IsArray());
  ASSERT_EQ(rows.Size(), 2u);
  EXPECT_EQ(std::string(rows[0]["region"].GetString()), "eu");  // sorted by region
  EXPECT_EQ(rows[0]["spawners"].GetUint64(), 1u);
  EXPECT_EQ(rows[0]["healthy"].GetUint64(), 1u);
  EXPECT_EQ(rows[0]["capacity"].GetUint64(), 4u);
  EXPECT_EQ(rows[0]["reserved"].GetUint64(), 0u);
  EXPECT_GE(rows[0]["used"].GetUint64(), 1u);
  EXPECT_EQ(rows[0]["used"].GetUint64() + rows[0]["free"].GetUint64(), 4u);
  EXPECT_EQ(std::string(rows[1]["region"].GetString()), "us");
  EXPECT_EQ(rows[1]["free"].GetUint64(), 2u);
}

}  // namespace
}  // namespace sr::game_instances::testing
