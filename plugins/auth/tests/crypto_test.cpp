#include "crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace sr::auth {
namespace {

TEST(Crypto, RandomTokensAreLongUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = RandomToken(32);
    EXPECT_EQ(token.size(), 43u);  // 256 bits in unpadded base64url
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Crypto, DigestsDependOnDomainAndText) {
  Digest a = DigestOf("domain-a", "secret");
  EXPECT_TRUE(SodiumDigestEqual(a, DigestOf("domain-a", "secret")));
  EXPECT_FALSE(SodiumDigestEqual(a, DigestOf("domain-b", "secret")));
  EXPECT_FALSE(SodiumDigestEqual(a, DigestOf("domain-a", "secret2")));
  // Every input, however long, becomes the same fixed length.
  EXPECT_EQ(DigestOf("d", std::string(10000, 'x')).size(), kDigestBytes);
}

TEST(Crypto, HexRoundTripsAndRejectsMalformed) {
  Digest digest = DigestOf("d", "text");
  std::string hex = ToHex(digest);
  EXPECT_EQ(hex.size(), 64u);
  auto parsed = DigestFromHex(hex);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(SodiumDigestEqual(*parsed, digest));
  EXPECT_FALSE(DigestFromHex(hex.substr(1)));
  EXPECT_FALSE(DigestFromHex(std::string(64, 'g')));
}

TEST(Crypto, WipesSecrets) {
  std::string secret = "a secret value";
  WipeSecret(secret);
  EXPECT_TRUE(secret.empty());
}

TEST(Crypto, SameLengthComparison) {
  EXPECT_TRUE(SodiumEqualSameLength("abcdef", "abcdef"));
  EXPECT_FALSE(SodiumEqualSameLength("abcdef", "abcdeg"));
  EXPECT_FALSE(SodiumEqualSameLength("abc", "abcdef"));
  EXPECT_TRUE(SodiumEqualSameLength("", ""));
}

}  // namespace
}  // namespace sr::auth
