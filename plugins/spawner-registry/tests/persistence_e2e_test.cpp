// Durability through the real executable with sqlite-store: kill -9 and restart.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "e2e_support.h"

namespace sr::spawner_registry::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::HttpClient;
using sr::test::TempDir;
using sr::test::TestHost;

std::set<std::uint64_t> ListedIds(HttpClient& client) {
  rapidjson::Document list = ParseJson(client.Get("/api/spawners").body);
  std::set<std::uint64_t> ids;
  if (!list.IsArray()) return ids;
  for (const auto& spawner : list.GetArray()) ids.insert(spawner["id"].GetUint64());
  return ids;
}

// Registers `count` spawners over `threads` connections; returns their ids.
std::set<std::uint64_t> RegisterMany(std::uint16_t port, int count, int threads) {
  std::vector<std::vector<std::uint64_t>> ids(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      HttpClient client(port);
      for (int i = t; i < count; i += threads) {
        ids[static_cast<std::size_t>(t)].push_back(
            RegisterSpawner(client, static_cast<std::uint16_t>(2000 + i)));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  std::set<std::uint64_t> all;
  for (const auto& part : ids) all.insert(part.begin(), part.end());
  return all;
}

TEST(SpawnerRegistryPersistenceTest, AThousandSpawnersSurviveKillNine) {
  auto dir = std::make_shared<TempDir>();
  TestHost host(RegistryYaml(true), {}, dir);
  ASSERT_TRUE(host.Start()) << host.Output();
  std::set<std::uint64_t> registered = RegisterMany(host.port(), 1000, 4);
  ASSERT_EQ(registered.size(), 1000u);
  EXPECT_EQ(*registered.rbegin(), 1000u);
  host.Kill();  // every 201 was committed first: nothing may be lost

  TestHost restarted(RegistryYaml(true), {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  EXPECT_NE(restarted.Output().find("1000 spawner(s) restored, next id 1001"), std::string::npos)
      << restarted.Output();
  HttpClient client(restarted.port());
  EXPECT_EQ(ListedIds(client), registered);
  auto one = ParseJson(client.Get(SpawnerPath(500)).body);
  EXPECT_STREQ(one["host"].GetString(), "127.0.0.1");
  for (std::uint64_t id : registered) {
    ASSERT_EQ(client.Post(SpawnerPath(id, "/heartbeat"), R"({"current_instances":2})").status, 200)
        << id;
  }
  EXPECT_EQ(RegisterSpawner(client), 1001u);
  EXPECT_EQ(restarted.Stop(), 0);
}

TEST(SpawnerRegistryPersistenceTest, TheHighestIdIsNeverReusedAfterItsDeletion) {
  auto dir = std::make_shared<TempDir>();
  {
    TestHost host(RegistryYaml(true), {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    HttpClient client(host.port());
    for (int i = 0; i < 3; ++i) RegisterSpawner(client);
    ASSERT_EQ(client.Request("DELETE", SpawnerPath(3)).status, 200);
    host.Kill();
  }
  TestHost restarted(RegistryYaml(true), {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  EXPECT_EQ(ListedIds(client), (std::set<std::uint64_t>{1, 2}));
  EXPECT_EQ(RegisterSpawner(client), 4u);
  EXPECT_EQ(restarted.Stop(), 0);
}

TEST(SpawnerRegistryPersistenceTest, HeartbeatsAreWrittenBehindWithinTheInterval) {
  auto dir = std::make_shared<TempDir>();
  std::string yaml = RegistryYaml(true, "      heartbeat_flush_interval: 100ms\n");
  {
    TestHost host(yaml, {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    HttpClient client(host.port());
    std::uint64_t id = RegisterSpawner(client);
    ASSERT_EQ(
        client.Post(SpawnerPath(id, "/heartbeat"), R"({"current_instances":9,"status":"full"})")
            .status,
        200);
    std::this_thread::sleep_for(600ms);  // several write-behind intervals
    host.Kill();
  }
  TestHost restarted(yaml, {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  auto spawner = ParseJson(client.Get(SpawnerPath(1)).body);
  EXPECT_EQ(spawner["current_instances"].GetInt(), 9);
  EXPECT_STREQ(spawner["status"].GetString(), "full");
  EXPECT_EQ(restarted.Stop(), 0);
}

TEST(SpawnerRegistryPersistenceTest, ACleanShutdownWritesTheLastHeartbeats) {
  auto dir = std::make_shared<TempDir>();
  std::string yaml = RegistryYaml(true, "      heartbeat_flush_interval: 1h\n");
  {
    TestHost host(yaml, {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    HttpClient client(host.port());
    std::uint64_t id = RegisterSpawner(client);
    ASSERT_EQ(client.Post(SpawnerPath(id, "/heartbeat"), R"({"current_instances":5})").status, 200);
    ASSERT_EQ(host.Stop(), 0) << host.Output();
  }
  TestHost restarted(yaml, {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  EXPECT_EQ(ParseJson(client.Get(SpawnerPath(1)).body)["current_instances"].GetInt(), 5);
  EXPECT_EQ(restarted.Stop(), 0);
}

TEST(SpawnerRegistryPersistenceTest, WithTheStoreDisabledItRunsInMemoryAndSaysSo) {
  const std::string yaml =
      "server:\n  bind: 127.0.0.1\n  port: 0\n  missing_guards: allow\n"
      "plugins:\n"
      "  - id: sqlite-store\n    enabled: false\n    config:\n      path: registry.db\n"
      "  - id: spawner-registry\n";
  auto dir = std::make_shared<TempDir>();
  {
    TestHost host(yaml, {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    EXPECT_NE(host.Output().find("running in memory"), std::string::npos) << host.Output();
    HttpClient client(host.port());
    RegisterSpawner(client);
    ASSERT_EQ(host.Stop(), 0);
  }
  TestHost restarted(yaml, {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  EXPECT_EQ(client.Get("/api/spawners").body, "[]");
  EXPECT_FALSE(std::filesystem::exists(dir->path() / "registry.db"));
  EXPECT_EQ(restarted.Stop(), 0);
}

}  // namespace
}  // namespace sr::spawner_registry::testing
