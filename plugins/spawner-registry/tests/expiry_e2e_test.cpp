// TTL expiry through the real executable, with short timings.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "e2e_support.h"

namespace sr::spawner_registry::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::HttpClient;
using sr::test::TempDir;
using sr::test::TestHost;

constexpr const char* kShortTtl =
    "      ttl: 1500ms\n"
    "      suspect_after: 300ms\n"
    "      sweep_interval: 50ms\n";

std::string HealthOf(HttpClient& client, std::uint64_t id) {
  auto response = client.Get(SpawnerPath(id));
  if (response.status != 200) return std::to_string(response.status);
  return ParseJson(response.body)["health"].GetString();
}

TEST(SpawnerRegistryExpiryTest, SilentSpawnersTurnSuspectThenExpire) {
  TestHost host(RegistryYaml(true, kShortTtl));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  std::uint64_t silent = RegisterSpawner(client);
  std::uint64_t alive = RegisterSpawner(client);
  EXPECT_EQ(HealthOf(client, silent), "healthy");

  std::atomic<bool> stop{false};
  std::thread beats([&] {
    HttpClient beater(host.port());
    while (!stop) {
      beater.Post(SpawnerPath(alive, "/heartbeat"), "{}");
      std::this_thread::sleep_for(100ms);
    }
  });
  EXPECT_TRUE(Eventually([&] { return HealthOf(client, silent) == "suspect"; }, 1200ms));
  EXPECT_EQ(HealthOf(client, alive), "healthy");
  EXPECT_TRUE(Eventually([&] { return HealthOf(client, silent) == "404"; }, 5s));
  EXPECT_EQ(HealthOf(client, alive), "healthy");
  stop = true;
  beats.join();

  EXPECT_EQ(client.Post(SpawnerPath(silent, "/heartbeat"), "{}").status, 404);
  rapidjson::Document list = ParseJson(client.Get("/api/spawners").body);
  ASSERT_EQ(list.Size(), 1u);
  EXPECT_EQ(list[0]["id"].GetUint64(), alive);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(SpawnerRegistryExpiryTest, AHeartbeatBringsASuspectBack) {
  TestHost host(RegistryYaml(false, kShortTtl));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  std::uint64_t id = RegisterSpawner(client);
  ASSERT_TRUE(Eventually([&] { return HealthOf(client, id) == "suspect"; }, 1200ms));
  ASSERT_EQ(client.Post(SpawnerPath(id, "/heartbeat"), "{}").status, 200);
  EXPECT_EQ(HealthOf(client, id), "healthy");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(SpawnerRegistryExpiryTest, ExpiredSpawnersStayGoneAfterARestart) {
  auto dir = std::make_shared<TempDir>();
  std::string yaml = RegistryYaml(true, kShortTtl);
  {
    TestHost host(yaml, {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    HttpClient client(host.port());
    std::uint64_t id = RegisterSpawner(client);
    ASSERT_TRUE(Eventually([&] { return HealthOf(client, id) == "404"; }, 5s));
    host.Kill();
  }
  TestHost restarted(yaml, {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  EXPECT_EQ(client.Get("/api/spawners").body, "[]");
  EXPECT_EQ(RegisterSpawner(client), 2u);
  EXPECT_EQ(restarted.Stop(), 0);
}

TEST(SpawnerRegistryExpiryTest, ARestartGivesLoadedSpawnersAFullTtlOfGrace) {
  auto dir = std::make_shared<TempDir>();
  std::string yaml = RegistryYaml(true,
                                  "      ttl: 1500ms\n"
                                  "      suspect_after: 1000ms\n"
                                  "      sweep_interval: 50ms\n");
  std::string last_seen;
  {
    TestHost host(yaml, {}, dir);
    ASSERT_TRUE(host.Start()) << host.Output();
    HttpClient client(host.port());
    RegisterSpawner(client);
    last_seen = ParseJson(client.Get(SpawnerPath(1)).body)["last_seen"].GetString();
    ASSERT_EQ(host.Stop(), 0);
  }
  std::this_thread::sleep_for(1700ms);  // longer than the TTL while the master is down
  TestHost restarted(yaml, {}, dir);
  ASSERT_TRUE(restarted.Start()) << restarted.Output();
  HttpClient client(restarted.port());
  auto start = std::chrono::steady_clock::now();
  auto spawner = ParseJson(client.Get(SpawnerPath(1)).body);
  ASSERT_TRUE(spawner.IsObject());
  EXPECT_STREQ(spawner["health"].GetString(), "healthy");
  EXPECT_EQ(spawner["last_seen"].GetString(), last_seen);  // the stored time is reported
  EXPECT_TRUE(Eventually([&] { return HealthOf(client, 1) == "404"; }, 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1200ms);
  EXPECT_EQ(restarted.Stop(), 0);
}

}  // namespace
}  // namespace sr::spawner_registry::testing
