#include "spawn_client.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "fake_spawner.h"

namespace sr::spawner_registry {
namespace {

using namespace std::chrono_literals;
using testing::ClosedPort;
using testing::FakeSpawner;

SpawnClientOptions Fast() {
  SpawnClientOptions options;
  options.connect_timeout = 300ms;
  options.total_timeout = 400ms;
  options.max_response_bytes = 64 << 10;
  return options;
}

// The fake spawners listen on loopback: calls come from a spawner registered from loopback.
SpawnResult Call(SpawnClient& client, std::uint16_t port, std::string body = "{}",
                 std::string host = "127.0.0.1", bool owner_on_loopback = true) {
  std::promise<SpawnResult> result;
  SpawnCall call{std::move(host), port, std::move(body), "application/json", owner_on_loopback};
  EXPECT_TRUE(client.Post(std::move(call), [&](SpawnResult r) { result.set_value(std::move(r)); }));
  return result.get_future().get();
}

TEST(SpawnerRegistrySpawnClientTest, PassesTheSpawnersAnswerThrough) {
  FakeSpawner spawner({201, "application/vnd.game+json", "{\"instance\":42}"});
  SpawnClient client(Fast());
  SpawnResult result = Call(client, spawner.port(), "{\"map\":\"dust\"}");
  ASSERT_EQ(result.kind, SpawnResult::Kind::kResponse) << result.message;
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(result.body, "{\"instance\":42}");
  EXPECT_EQ(result.content_type, "application/vnd.game+json");
  auto requests = spawner.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("POST /spawn HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("{\"map\":\"dust\"}"), std::string::npos);
}

TEST(SpawnerRegistrySpawnClientTest, OtherMethodsAndPathsOfTheAgentGoWithoutABody) {
  FakeSpawner spawner({200, "application/json", "{\"instances\":[]}"});
  SpawnClient client(Fast());
  for (const char* method : {"GET", "DELETE"}) {
    std::promise<SpawnResult> result;
    SpawnCall call{"127.0.0.1", spawner.port(), "ignored", "", true, method, "/instance/a1"};
    ASSERT_TRUE(client.Post(std::move(call), [&](SpawnResult r) { result.set_value(r); }));
    EXPECT_EQ(result.get_future().get().status, 200);
  }
  auto requests = spawner.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rfind("GET /instance/a1 HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_EQ(requests[1].rfind("DELETE /instance/a1 HTTP/1.1\r\n", 0), 0u) << requests[1];
  for (const auto& request : requests) {
    EXPECT_EQ(request.find("ignored"), std::string::npos) << request;
    EXPECT_EQ(request.find("Content-Type"), std::string::npos) << request;
  }
}

TEST(SpawnerRegistrySpawnClientTest, ErrorStatusesArePassedThroughToo) {
  FakeSpawner spawner({500, "text/plain", "full"});
  SpawnClient client(Fast());
  SpawnResult result = Call(client, spawner.port());
  ASSERT_EQ(result.kind, SpawnResult::Kind::kResponse);
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, "full");
}

TEST(SpawnerRegistrySpawnClientTest, AClosedPortIsUnreachable) {
  SpawnClient client(Fast());
  SpawnResult result = Call(client, ClosedPort());
  EXPECT_EQ(result.kind, SpawnResult::Kind::kUnreachable) << result.message;
}

TEST(SpawnerRegistrySpawnClientTest, ASilentSpawnerTimesOut) {
  FakeSpawner spawner({}, /*silent=*/true);
  SpawnClient client(Fast());
  auto start = std::chrono::steady_clock::now();
  SpawnResult result = Call(client, spawner.port());
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.kind, SpawnResult::Kind::kTimeout) << result.message;
  EXPECT_GE(waited, 350ms);
  EXPECT_LT(waited, 3s);
}

TEST(SpawnerRegistrySpawnClientTest, AnswersAreCapped) {
  FakeSpawner spawner({200, "text/plain", std::string(100 << 10, 'x')});
  SpawnClient client(Fast());
  SpawnResult result = Call(client, spawner.port());
  EXPECT_EQ(result.kind, SpawnResult::Kind::kTooLarge) << result.message;
}

TEST(SpawnerRegistrySpawnClientTest, ConcurrentCallsAreBoundedAndStopEndsThem) {
  FakeSpawner spawner({}, /*silent=*/true);
  SpawnClientOptions options = Fast();
  options.total_timeout = 60s;
  options.max_in_flight = 2;
  SpawnClient client(options);
  std::promise<SpawnResult> first;
  std::promise<SpawnResult> second;
  auto post = [&](std::promise<SpawnResult>& into) {
    return client.Post(SpawnCall{"127.0.0.1", spawner.port(), "{}", "", true},
                       [&into](SpawnResult r) { into.set_value(std::move(r)); });
  };
  EXPECT_TRUE(post(first));
  EXPECT_TRUE(post(second));
  std::promise<SpawnResult> third;
  EXPECT_FALSE(post(third));
  client.Stop();
  EXPECT_EQ(first.get_future().get().kind, SpawnResult::Kind::kFailed);
  EXPECT_EQ(second.get_future().get().kind, SpawnResult::Kind::kFailed);
  std::promise<SpawnResult> late;
  EXPECT_FALSE(post(late));
}

sr::net::CidrSet Cidrs(const std::vector<std::string>& texts) {
  auto set = sr::net::CidrSet::Parse(texts);
  EXPECT_TRUE(set);
  return set.value_or(sr::net::CidrSet());
}

TEST(SpawnerRegistrySpawnClientTest, LoopbackIsRefusedWithoutAConnectionForOtherOwners) {
  FakeSpawner spawner({});
  SpawnClient client(Fast());
  SpawnResult result = Call(client, spawner.port(), "{}", "127.0.0.1", false);
  EXPECT_EQ(result.kind, SpawnResult::Kind::kRefused) << result.message;
  EXPECT_EQ(result.message, "spawn target 127.0.0.1 is not allowed by spawn_targets");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(spawner.connections(), 0);
}

TEST(SpawnerRegistrySpawnClientTest, EveryResolvedAddressIsCheckedBeforeConnecting) {
  // "localhost" resolves to loopback addresses only: each one is refused, none is connected.
  FakeSpawner spawner({});
  SpawnClient client(Fast());
  SpawnResult result = Call(client, spawner.port(), "{}", "localhost", false);
  EXPECT_EQ(result.kind, SpawnResult::Kind::kRefused) << result.message;
  EXPECT_NE(result.message.find("is not allowed by spawn_targets"), std::string::npos);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(spawner.connections(), 0);
  // The same name for a spawner registered from loopback reaches it.
  EXPECT_EQ(Call(client, spawner.port(), "{}", "localhost", true).kind,
            SpawnResult::Kind::kResponse);
}

TEST(SpawnerRegistrySpawnClientTest, OddSpellingsOfAnAddressAreCheckedAsWhatTheyConnectTo) {
  // Not literals for the registration check, but resolved (by libc) to 127.0.0.1.
  FakeSpawner spawner({});
  SpawnClient client(Fast());
  for (const char* host : {"127.1", "2130706433", "0x7f000001"}) {
    SpawnResult result = Call(client, spawner.port(), "{}", host, false);
    EXPECT_EQ(result.kind, SpawnResult::Kind::kRefused) << host << ": " << result.message;
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(spawner.connections(), 0);
}

TEST(SpawnerRegistrySpawnClientTest, AnExplicitDenyWinsOverTheLoopbackOwner) {
  FakeSpawner spawner({});
  SpawnClientOptions options = Fast();
  options.targets = SpawnTargetPolicy(Cidrs({"127.0.0.1"}), Cidrs({"127.0.0.0/8"}));
  SpawnClient client(options);
  SpawnResult result = Call(client, spawner.port());
  EXPECT_EQ(result.kind, SpawnResult::Kind::kRefused) << result.message;
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(spawner.connections(), 0);
}

TEST(SpawnerRegistrySpawnClientTest, AnAllowEntryOpensADefaultDeny) {
  FakeSpawner spawner({});
  SpawnClientOptions options = Fast();
  options.targets = SpawnTargetPolicy(Cidrs({"127.0.0.0/8"}), {});
  SpawnClient client(options);
  SpawnResult result = Call(client, spawner.port(), "{}", "127.0.0.1", false);
  EXPECT_EQ(result.kind, SpawnResult::Kind::kResponse) << result.message;
  EXPECT_EQ(spawner.connections(), 1);
}

}  // namespace
}  // namespace sr::spawner_registry
