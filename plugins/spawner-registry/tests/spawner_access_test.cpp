#include "spawner_access.h"

#include <gtest/gtest.h>

#include "spawner_table.h"

namespace sr::spawner_registry {
namespace {

Caller Of(std::optional<std::string_view> auth, std::optional<std::string_view> role,
          std::optional<std::string_view> spawner_id = std::nullopt,
          std::string_view address = "10.0.0.5", bool bind = true) {
  return CallerOf(CallerAttributes{auth, role, spawner_id}, address, bind);
}

std::shared_ptr<const SpawnerIdentity> Spawner(SpawnerId id, std::string registered_from) {
  return MakeIdentity(id, "eu", "10.1.1.1", 7000, std::nullopt, std::move(registered_from));
}

TEST(SpawnerRegistryAccessTest, AttributesMakeTheCaller) {
  Caller token = Of("spawner-token", "spawner", "12");
  EXPECT_EQ(token.kind, Caller::Kind::kToken);
  EXPECT_EQ(token.token_spawner, 12u);
  EXPECT_EQ(Of("spawner-token", "spawner", "x").token_spawner, 0u);
  EXPECT_EQ(Of("spawner-token", "spawner").token_spawner, 0u);
  Caller shared = Of("api-key", "spawner");
  EXPECT_EQ(shared.kind, Caller::Kind::kSharedKey);
  EXPECT_EQ(shared.address, "10.0.0.5");
  EXPECT_EQ(Of("api-key", std::nullopt).kind, Caller::Kind::kSharedKey);  // least privilege
  EXPECT_EQ(Of("api-key", "operator").kind, Caller::Kind::kAny);
  EXPECT_EQ(Of("api-key", "admin").kind, Caller::Kind::kAny);
  EXPECT_EQ(Of("session", "viewer").kind, Caller::Kind::kAny);
  EXPECT_EQ(Of(std::nullopt, std::nullopt).kind, Caller::Kind::kAny);  // no auth plugin
  EXPECT_EQ(Of("api-key", "spawner", std::nullopt, "10.0.0.5", false).kind, Caller::Kind::kAny);
}

TEST(SpawnerRegistryAccessTest, ATokenActsOnItsOwnSpawnerOnly) {
  auto spawner = Spawner(3, "10.0.0.5");
  EXPECT_EQ(CheckAccess(*spawner, Of("spawner-token", "spawner", "3")), Access::kAllowed);
  EXPECT_EQ(CheckAccess(*spawner, Of("spawner-token", "spawner", "4")), Access::kOtherToken);
  EXPECT_EQ(CheckAccess(*spawner, Of("spawner-token", "spawner", "3", "10.9.9.9")),
            Access::kAllowed);  // tokens are not bound to an address
}

TEST(SpawnerRegistryAccessTest, ASharedKeyIsBoundToTheRegisteringAddress) {
  auto spawner = Spawner(3, "10.0.0.5");
  EXPECT_EQ(CheckAccess(*spawner, Of("api-key", "spawner")), Access::kAllowed);
  EXPECT_EQ(CheckAccess(*spawner, Of("api-key", "spawner", std::nullopt, "10.0.0.6")),
            Access::kOtherAddress);
  EXPECT_EQ(CheckAccess(*spawner, Of("api-key", "spawner", std::nullopt, "::ffff:10.0.0.5")),
            Access::kAllowed);
  EXPECT_EQ(CheckAccess(*spawner, Of("api-key", "spawner", std::nullopt, "10.0.0.6", false)),
            Access::kAllowed);
  EXPECT_EQ(CheckAccess(*spawner, Of("api-key", "operator", std::nullopt, "10.0.0.6")),
            Access::kAllowed);
  EXPECT_EQ(CheckAccess(*Spawner(3, ""), Of("api-key", "spawner")), Access::kBindFirstUse);
  EXPECT_EQ(CheckAccess(*Spawner(3, ""), Of("api-key", "admin")), Access::kAllowed);
}

TEST(SpawnerRegistryAccessTest, MessagesSayWhatToDo) {
  std::string address = ForbiddenMessage(Access::kOtherAddress, 3);
  EXPECT_NE(address.find("spawner 3"), std::string::npos);
  EXPECT_NE(address.find("token"), std::string::npos);
  EXPECT_NE(address.find("register again from this address"), std::string::npos);
  EXPECT_NE(address.find("bind_shared_key_to_address: false"), std::string::npos);
  EXPECT_NE(ForbiddenMessage(Access::kOtherToken, 3).find("its own"), std::string::npos);
}

TEST(SpawnerRegistryAccessTest, TheTableChecksHeartbeatsInTheSameLookup) {
  SpawnerTable table(4);
  SpawnerTable::Entry entry;
  entry.identity = Spawner(1, "10.0.0.5");
  entry.load.current_instances = 1;
  table.Insert(std::move(entry));
  HeartbeatUpdate update;
  update.current_instances = 9;
  Liveness now{100, 1000, 2000};
  EXPECT_EQ(table.Heartbeat(1, update, 1, 100, Of("api-key", "spawner", std::nullopt, "10.0.0.6")),
            Access::kOtherAddress);
  EXPECT_EQ(table.Get(1, now)->load.current_instances, 1);  // refused: nothing changed
  EXPECT_TRUE(table.TakeDirty(now).empty());
  EXPECT_EQ(table.Heartbeat(1, update, 1, 100, Of("spawner-token", "spawner", "1")),
            Access::kAllowed);
  EXPECT_EQ(table.Get(1, now)->load.current_instances, 9);
  EXPECT_FALSE(table.Heartbeat(2, update, 1, 100, Caller{}));
}

TEST(SpawnerRegistryAccessTest, ARestoredRecordBindsToTheFirstSharedKeyAddress) {
  SpawnerTable table(4);
  SpawnerTable::Entry entry;
  entry.identity = Spawner(1, "");
  table.Insert(std::move(entry));
  Liveness now{100, 1000, 2000};
  // Operators do not bind it.
  EXPECT_EQ(table.Authorize(1, Of("api-key", "operator", std::nullopt, "10.0.0.7")),
            Access::kAllowed);
  EXPECT_EQ(table.Identity(1)->registered_from, "");
  EXPECT_EQ(table.Authorize(1, Of("api-key", "spawner", std::nullopt, "10.0.0.7")),
            Access::kBindFirstUse);
  EXPECT_EQ(table.Identity(1)->registered_from, "10.0.0.7");
  // The binding is written behind like a heartbeat.
  auto dirty = table.TakeDirty(now);
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_EQ(dirty[0].identity->registered_from, "10.0.0.7");
  EXPECT_EQ(table.Authorize(1, Of("api-key", "spawner", std::nullopt, "10.0.0.8")),
            Access::kOtherAddress);
  EXPECT_EQ(table.Authorize(1, Of("api-key", "spawner", std::nullopt, "10.0.0.7")),
            Access::kAllowed);
  EXPECT_FALSE(table.Authorize(9, Caller{}));
}

}  // namespace
}  // namespace sr::spawner_registry
