#include "spawner_token.h"

#include <gtest/gtest.h>

#include <set>

namespace sr::spawner_registry {
namespace {

TEST(SpawnerRegistryTokenTest, TokensHaveTheContractFormat) {
  IssuedToken issued = IssueToken(42);
  const std::string& token = issued.token;
  ASSERT_EQ(token.rfind("srt_42_", 0), 0u) << token;
  std::string secret = token.substr(7);
  EXPECT_EQ(secret.size(), 43u);
  for (char c : secret) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  }
  EXPECT_EQ(TokenSpawnerId(token), 42u);
  EXPECT_EQ(issued.digest, DigestToken(token));
}

TEST(SpawnerRegistryTokenTest, TokensAreRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(IssueToken(1).token);
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SpawnerRegistryTokenTest, OnlyTheIssuedTokenMatchesItsDigest) {
  IssuedToken issued = IssueToken(7);
  EXPECT_TRUE(TokenMatches(issued.token, issued.digest));
  std::string changed = issued.token;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(TokenMatches(changed, issued.digest));
  EXPECT_FALSE(TokenMatches(IssueToken(7).token, issued.digest));
  EXPECT_FALSE(TokenMatches("", issued.digest));
}

TEST(SpawnerRegistryTokenTest, AnythingElseIsNoToken) {
  std::string secret(43, 'a');
  EXPECT_EQ(TokenSpawnerId("srt_1_" + secret), 1u);
  EXPECT_EQ(TokenSpawnerId("srt_18446744073709551615_" + secret), 18446744073709551615u);
  EXPECT_FALSE(TokenSpawnerId("srt_18446744073709551616_" + secret));  // overflows
  EXPECT_FALSE(TokenSpawnerId("srt_01_" + secret));                    // not canonical
  EXPECT_FALSE(TokenSpawnerId("srt__" + secret));
  EXPECT_FALSE(TokenSpawnerId("srt_x_" + secret));
  EXPECT_FALSE(TokenSpawnerId("srt_1_" + secret + "a"));
  EXPECT_FALSE(TokenSpawnerId("srt_1_" + secret.substr(1)));
  EXPECT_FALSE(TokenSpawnerId("srt_1_" + secret.substr(1) + "+"));
  EXPECT_FALSE(TokenSpawnerId("SRT_1_" + secret));
  EXPECT_FALSE(TokenSpawnerId("a-shared-api-key-of-some-length"));
  EXPECT_FALSE(TokenSpawnerId(""));
}

TEST(SpawnerRegistryTokenTest, DigestsRoundTripThroughHex) {
  TokenDigest digest = DigestToken("srt_1_x");
  std::string hex = DigestHex(digest);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(ParseDigestHex(hex), digest);
  EXPECT_FALSE(ParseDigestHex(hex.substr(1)));
  EXPECT_FALSE(ParseDigestHex(std::string(64, 'g')));
  EXPECT_FALSE(ParseDigestHex(std::string(64, 'A')));
}

}  // namespace
}  // namespace sr::spawner_registry
