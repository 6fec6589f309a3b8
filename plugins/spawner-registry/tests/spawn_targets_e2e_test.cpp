// spawn_targets through the real executable: literal addresses that can never be allowed are
// refused at registration, names are checked on every address they resolve to, and a refused
// target is answered without any connection.
#include <gtest/gtest.h>

#include <thread>

#include "e2e_support.h"
#include "fake_spawner.h"

namespace sr::spawner_registry::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::HttpClient;
using sr::test::TestHost;

class SpawnerRegistryTargetsE2eTest : public ::testing::Test {
 protected:
  void Start(const std::string& registry_config = "") {
    host_ = std::make_unique<TestHost>(RegistryYaml(false, registry_config));
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  void TearDown() override {
    if (host_ != nullptr && host_->Running()) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }

  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(SpawnerRegistryTargetsE2eTest, AddressesThatCanNeverBeAllowedAreRefusedAtRegistration) {
  Start();
  for (const char* host :
       {"169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "fe80::1", "::", "ff02::1"}) {
    auto response = client_->Post("/api/spawners", RegistrationBody(7000, host));
    EXPECT_EQ(response.status, 400) << host << " " << response.body;
    EXPECT_EQ(response.body.rfind("{\"error\":\"host: spawn target ", 0), 0u) << response.body;
    EXPECT_NE(response.body.find("is not allowed by spawn_targets"), std::string::npos);
  }
  EXPECT_EQ(client_->Get("/api/spawners").body, "[]");
  // Addresses in the open are fine; host names are checked when a spawn resolves them.
  RegisterSpawner(*client_, 7000, "203.0.113.9");
  RegisterSpawner(*client_, 7000, "spawner-7.example");
}

TEST_F(SpawnerRegistryTargetsE2eTest, AnAllowEntryOpensADefaultDenyAndDenyWinsOverAllow) {
  Start(
      "      spawn_targets:\n"
      "        allow: [169.254.0.0/16]\n"
      "        deny: [169.254.169.254, 203.0.113.0/24]\n");
  RegisterSpawner(*client_, 7000, "169.254.10.20");
  EXPECT_EQ(client_->Post("/api/spawners", RegistrationBody(7000, "169.254.169.254")).status, 400);
  EXPECT_EQ(client_->Post("/api/spawners", RegistrationBody(7000, "203.0.113.9")).status, 400);
}

TEST_F(SpawnerRegistryTargetsE2eTest, SpawnersRegisteredFromLoopbackMaySpawnOnLoopback) {
  Start();
  FakeSpawner spawner({200, "application/json", "{\"instance\":1}"});
  std::uint64_t id = RegisterSpawner(*client_, spawner.port(), "127.0.0.1");
  auto spawned = client_->Post(SpawnerPath(id, "/spawn"), "{}");
  EXPECT_EQ(spawned.status, 200) << spawned.body;
  EXPECT_EQ(spawner.connections(), 1);
}

TEST_F(SpawnerRegistryTargetsE2eTest, ANameResolvingToADeniedAddressIsRefusedWithoutConnecting) {
  Start(
      "      spawn_targets:\n"
      "        deny: [127.0.0.0/8, \"::1\"]\n");
  FakeSpawner spawner({200, "application/json", "{\"instance\":1}"});
  // A name passes registration ...
  std::uint64_t id = RegisterSpawner(*client_, spawner.port(), "localhost");
  ASSERT_NE(id, 0u);
  // ... and is refused at spawn time on the addresses it resolves to.
  auto spawned = client_->Post(SpawnerPath(id, "/spawn"), "{}");
  EXPECT_EQ(spawned.status, 403) << spawned.body;
  EXPECT_NE(spawned.body.find("is not allowed by spawn_targets"), std::string::npos)
      << spawned.body;
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(spawner.connections(), 0);
  // The literal is refused at registration.
  EXPECT_EQ(client_->Post("/api/spawners", RegistrationBody(spawner.port(), "127.0.0.1")).status,
            400);
}

TEST_F(SpawnerRegistryTargetsE2eTest, AnUnreadableRangeStopsTheStart) {
  TestHost host(RegistryYaml(false, "      spawn_targets:\n        deny: [10.0.0.0/33]\n"));
  EXPECT_FALSE(host.Start());
  EXPECT_NE(host.Output().find("key 'spawn_targets.deny': '10.0.0.0/33' is not an address"),
            std::string::npos)
      << host.Output();
}

}  // namespace
}  // namespace sr::spawner_registry::testing
