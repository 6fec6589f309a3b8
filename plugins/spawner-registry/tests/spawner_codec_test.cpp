#include "spawner_codec.h"

#include <gtest/gtest.h>

#include "spawner_json.h"
#include "spawner_token.h"

namespace sr::spawner_registry {
namespace {

TEST(SpawnerRegistryCodecTest, KeysSortInIdOrder) {
  EXPECT_EQ(SpawnerKey(42), "00000000000000000042");
  EXPECT_EQ(SpawnerKey(18446744073709551615u), "18446744073709551615");
  EXPECT_LT(SpawnerKey(9), SpawnerKey(10));
  EXPECT_LT(SpawnerKey(99999), SpawnerKey(100000));
  EXPECT_EQ(*ParseSpawnerKey(SpawnerKey(1234)), 1234u);
  EXPECT_FALSE(ParseSpawnerKey("42"));
  EXPECT_FALSE(ParseSpawnerKey("00000000000000000000"));
  EXPECT_FALSE(ParseSpawnerKey("0000000000000000004x"));
}

TEST(SpawnerRegistryCodecTest, RecordsRoundTrip) {
  SpawnerSnapshot spawner{MakeIdentity(7, "eu \"west\"", "10.0.0.1", 7777),
                          SpawnerLoad{10, 3, "busy <now>"}, 1764104471123, true};
  std::string value = EncodeStoredSpawner(spawner);
  auto decoded = DecodeStoredSpawner(7, value);
  ASSERT_TRUE(decoded) << value;
  EXPECT_EQ(decoded->id, 7u);
  EXPECT_EQ(decoded->region, "eu \"west\"");
  EXPECT_EQ(decoded->host, "10.0.0.1");
  EXPECT_EQ(decoded->port, 7777);
  EXPECT_EQ(decoded->load.max_instances, 10);
  EXPECT_EQ(decoded->load.current_instances, 3);
  EXPECT_EQ(decoded->load.status, "busy <now>");
  EXPECT_EQ(decoded->last_seen_ms, 1764104471123);
}

TEST(SpawnerRegistryCodecTest, TheTokenDigestAndTheRegisteringAddressRoundTrip) {
  IssuedToken token = IssueToken(7);
  SpawnerSnapshot spawner{MakeIdentity(7, "eu", "10.0.0.1", 7777, token.digest, "::1"),
                          SpawnerLoad{10, 3, "busy"}, 1764104471123, false};
  std::string value = EncodeStoredSpawner(spawner);
  EXPECT_EQ(value.find(token.token), std::string::npos) << value;
  auto decoded = DecodeStoredSpawner(7, value);
  ASSERT_TRUE(decoded) << value;
  EXPECT_EQ(decoded->token_digest, token.digest);
  EXPECT_EQ(decoded->registered_from, "::1");
  EXPECT_EQ(decoded->host, "10.0.0.1");
}

TEST(SpawnerRegistryCodecTest, RecordsWithoutTokenOrAddressStillDecode) {
  // Written before tokens and address binding existed.
  auto old = DecodeStoredSpawner(3, R"({"region":"eu","host":"h","port":1,"max_instances":1,)"
                                    R"("current_instances":0,"status":"","last_seen_ms":1})");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->token_digest);
  EXPECT_EQ(old->registered_from, "");
  SpawnerSnapshot spawner{MakeIdentity(3, "eu", "h", 1), SpawnerLoad{1, 0, ""}, 1, false};
  std::string value = EncodeStoredSpawner(spawner);
  EXPECT_EQ(value.find("token_digest"), std::string::npos);
  EXPECT_EQ(value.find("registered_from"), std::string::npos);
  auto decoded = DecodeStoredSpawner(3, value);
  ASSERT_TRUE(decoded);
  EXPECT_FALSE(decoded->token_digest);
}

TEST(SpawnerRegistryCodecTest, DamagedTokenOrAddressFieldsAreRefused) {
  const std::string base = R"({"region":"eu","host":"h","port":1,"max_instances":1,)"
                           R"("current_instances":0,"status":"","last_seen_ms":1)";
  EXPECT_FALSE(DecodeStoredSpawner(1, base + R"(,"token_digest":"abc"})"));
  EXPECT_FALSE(DecodeStoredSpawner(1, base + R"(,"token_digest":7})"));
  EXPECT_FALSE(DecodeStoredSpawner(1, base + R"(,"registered_from":7})"));
  EXPECT_FALSE(
      DecodeStoredSpawner(1, base + R"(,"registered_from":")" + std::string(65, '1') + "\"}"));
}

TEST(SpawnerRegistryCodecTest, DamagedRecordsAreRefused) {
  EXPECT_FALSE(DecodeStoredSpawner(1, "not json"));
  EXPECT_FALSE(DecodeStoredSpawner(1, "[]"));
  EXPECT_FALSE(DecodeStoredSpawner(1, R"({"region":"eu","host":"h","port":0,"max_instances":1,)"
                                      R"("current_instances":0,"status":"","last_seen_ms":1})"));
  EXPECT_FALSE(DecodeStoredSpawner(1, R"({"region":"eu","host":"","port":1,"max_instances":1,)"
                                      R"("current_instances":0,"status":"","last_seen_ms":1})"));
  EXPECT_FALSE(DecodeStoredSpawner(1, R"({"region":"eu","host":"h","port":1})"));
}

TEST(SpawnerRegistryCodecTest, NextId) {
  EXPECT_EQ(*DecodeNextId(EncodeNextId(1001)), 1001u);
  EXPECT_FALSE(DecodeNextId("x"));
  EXPECT_FALSE(DecodeNextId(""));
}

TEST(SpawnerRegistryCodecTest, SpawnerJsonHasTheContractFields) {
  SpawnerSnapshot spawner{MakeIdentity(12, "us", "h.example", 9000), SpawnerLoad{4, 1, "up"},
                          1795640471123, false};
  EXPECT_EQ(SpawnerJson(spawner),
            R"({"id":12,"region":"us","host":"h.example","port":9000,"max_instances":4,)"
            R"("current_instances":1,"status":"up","last_seen":"2026-11-25T21:01:11.123Z",)"
            R"("health":"healthy"})");
  spawner.suspect = true;
  EXPECT_NE(SpawnerJson(spawner).find(R"("health":"suspect")"), std::string::npos);
  EXPECT_EQ(SpawnerListJson({}), "[]");
  EXPECT_EQ(SpawnerListJson({spawner, spawner}).front(), '[');
  spawner.revision = 5;
  EXPECT_EQ(SpawnerEventJson(spawner),
            SpawnerJson(spawner).substr(0, SpawnerJson(spawner).size() - 1) + R"(,"revision":5})");
  EXPECT_EQ(RemovedEventJson(spawner, "expired"),
            R"({"id":12,"reason":"expired","revision":5,"spawner":)" + SpawnerJson(spawner) + "}");
}

TEST(SpawnerRegistryCodecTest, JsonSizesAreExact) {
  for (const std::string& status :
       std::vector<std::string>{"", "running", "a\"b\\c<d>&\n\x01", std::string(32, '<')}) {
    for (bool suspect : {false, true}) {
      SpawnerSnapshot spawner{MakeIdentity(18446744073709551615u, "r\"", "h", 65535),
                              SpawnerLoad{100000, 0, status}, -1, suspect};
      EXPECT_EQ(SpawnerJsonSize(spawner), SpawnerJson(spawner).size()) << status;
      std::string list = SpawnerListJson({spawner, spawner, spawner});
      EXPECT_EQ(list.size(), 2 + 2 + 3 * SpawnerJsonSize(spawner));
      EXPECT_EQ(list.capacity(), list.size());
    }
  }
}

}  // namespace
}  // namespace sr::spawner_registry
