#include "spawn_target_policy.h"

#include <gtest/gtest.h>

namespace sr::spawner_registry {
namespace {

sr::net::IpAddress Ip(std::string_view text) {
  auto ip = sr::net::ParseIp(text);
  EXPECT_TRUE(ip) << text;
  return ip.value_or(sr::net::IpAddress{});
}

sr::net::CidrSet Cidrs(const std::vector<std::string>& texts) {
  auto set = sr::net::CidrSet::Parse(texts);
  EXPECT_TRUE(set);
  return set.value_or(sr::net::CidrSet());
}

TEST(SpawnerRegistryTargetPolicyTest, DefaultsDenyWhatIsNoGameServer) {
  SpawnTargetPolicy policy;
  for (const char* denied :
       {"169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "239.1.2.3", "ff02::1",
        "255.255.255.255", "127.0.0.1", "::1", "::ffff:169.254.169.254"}) {
    EXPECT_FALSE(policy.Allows(Ip(denied), false)) << denied;
  }
  for (const char* allowed : {"10.0.0.1", "192.168.1.20", "203.0.113.9", "2001:db8::1"}) {
    EXPECT_TRUE(policy.Allows(Ip(allowed), false)) << allowed;
  }
}

TEST(SpawnerRegistryTargetPolicyTest, LoopbackOnlyForSpawnersRegisteredFromLoopback) {
  SpawnTargetPolicy policy;
  EXPECT_TRUE(policy.Allows(Ip("127.0.0.1"), true));
  EXPECT_TRUE(policy.Allows(Ip("::1"), true));
  EXPECT_TRUE(policy.MayRegister("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(policy.MayRegister("127.0.0.1", "::1"));
  EXPECT_FALSE(policy.MayRegister("127.0.0.1", "10.0.0.9"));
  EXPECT_FALSE(policy.MayRegister("::1", "10.0.0.9"));
  // Other default denies stay denied for loopback spawners.
  EXPECT_FALSE(policy.Allows(Ip("169.254.169.254"), true));
}

TEST(SpawnerRegistryTargetPolicyTest, AllowOverridesDefaultsAndDenyWinsOverAllow) {
  SpawnTargetPolicy policy(Cidrs({"169.254.10.0/24", "10.0.0.0/8"}), Cidrs({"10.6.0.0/16"}));
  EXPECT_TRUE(policy.Allows(Ip("169.254.10.3"), false));
  EXPECT_FALSE(policy.Allows(Ip("169.254.169.254"), false));
  EXPECT_TRUE(policy.Allows(Ip("10.5.0.1"), false));
  EXPECT_FALSE(policy.Allows(Ip("10.6.0.1"), false));
  SpawnTargetPolicy deny_all(Cidrs({"0.0.0.0/0"}), Cidrs({"0.0.0.0/0"}));
  EXPECT_FALSE(deny_all.Allows(Ip("10.0.0.1"), false));
}

TEST(SpawnerRegistryTargetPolicyTest, RegistrationRefusesOnlyLiteralsThatAreNeverAllowed) {
  SpawnTargetPolicy policy;
  EXPECT_FALSE(policy.MayRegister("169.254.169.254", "127.0.0.1"));
  EXPECT_FALSE(policy.MayRegister("0.0.0.0", "127.0.0.1"));
  EXPECT_FALSE(policy.MayRegister("224.0.0.1", "127.0.0.1"));
  EXPECT_TRUE(policy.MayRegister("10.0.0.1", "10.0.0.9"));
  // Names are checked on what they resolve to, at spawn time.
  EXPECT_TRUE(policy.MayRegister("metadata.internal", "10.0.0.9"));
  EXPECT_EQ(RefusedTargetMessage("0.0.0.0"),
            "spawn target 0.0.0.0 is not allowed by spawn_targets");
}

}  // namespace
}  // namespace sr::spawner_registry
