#include <gtest/gtest.h>

#include "password_hasher.h"
#include "password_policy.h"

namespace sr::auth {
namespace {

TEST(PasswordHasher, HashesWithArgon2idAndVerifies) {
  PasswordHasher hasher(Argon2Limits::Minimum());
  std::string hash = hasher.Hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find("correct"), std::string::npos);
  EXPECT_TRUE(hasher.Verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(hash, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.Verify(hash, ""));
}

TEST(PasswordHasher, SaltsEveryHash) {
  PasswordHasher hasher(Argon2Limits::Minimum());
  EXPECT_NE(hasher.Hash("same password"), hasher.Hash("same password"));
}

TEST(PasswordHasher, MalformedHashesNeverMatch) {
  PasswordHasher hasher(Argon2Limits::Minimum());
  EXPECT_FALSE(hasher.Verify("", "x"));
  EXPECT_FALSE(hasher.Verify("plain-text-password", "plain-text-password"));
  EXPECT_FALSE(hasher.Verify(std::string(500, '$'), "x"));
}

TEST(PasswordHasher, NoticesHashesMadeWithOtherLimits) {
  PasswordHasher weak(Argon2Limits::Minimum());
  PasswordHasher stronger(Argon2Limits{2, Argon2Limits::Minimum().memlimit_bytes * 2});
  std::string hash = weak.Hash("password");
  EXPECT_FALSE(weak.NeedsRehash(hash));
  EXPECT_TRUE(stronger.NeedsRehash(hash));
  EXPECT_TRUE(stronger.Verify(hash, "password"));  // old hashes keep working
}

TEST(PasswordHasher, InteractiveIsTheSafeDefault) {
  EXPECT_FALSE(Argon2Limits::Interactive().BelowInteractive());
  EXPECT_TRUE(Argon2Limits::Minimum().BelowInteractive());
}

TEST(PasswordPolicy, EnforcesLengthInCharactersAndBytes) {
  PasswordPolicy policy;
  EXPECT_TRUE(policy.Problem("short"));
  EXPECT_TRUE(policy.Problem("elevenchars"));
  EXPECT_FALSE(policy.Problem("twelve chars"));
  // Twelve characters of two bytes each count as twelve.
  EXPECT_FALSE(policy.Problem("ääääääääääää"));
  EXPECT_TRUE(policy.Problem("ääääää"));  // twelve bytes, six characters
  EXPECT_TRUE(policy.Problem(std::string(policy.max_bytes + 1, 'a')));
  EXPECT_FALSE(policy.Problem(std::string(policy.max_bytes, 'a')));
}

TEST(PasswordPolicy, RefusesInvalidUtf8AndNul) {
  PasswordPolicy policy;
  EXPECT_TRUE(policy.Problem(std::string("valid start \xff\xfe more")));
  EXPECT_TRUE(policy.Problem(std::string("with a nul \0 inside", 19)));
  EXPECT_EQ(Utf8Length("h\xc3\xa9llo"), 5u);
  EXPECT_FALSE(Utf8Length("\xc3"));
}

}  // namespace
}  // namespace sr::auth
