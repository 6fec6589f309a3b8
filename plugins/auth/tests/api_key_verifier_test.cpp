#include "api_key_verifier.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sr::auth {
namespace {

TEST(ApiKeyVerifier, AcceptsEveryConfiguredKeyWithItsRole) {
  ApiKeyVerifier verifier;
  verifier.AddKey("old", "old-key-0123456789", Role::kSpawner);
  verifier.AddKey("new", "new-key-0123456789", Role::kOperator);
  auto old_match = verifier.Verify("old-key-0123456789");
  ASSERT_TRUE(old_match);
  EXPECT_EQ(old_match->name, "old");
  EXPECT_EQ(old_match->role, Role::kSpawner);
  auto new_match = verifier.Verify("new-key-0123456789");
  ASSERT_TRUE(new_match);
  EXPECT_EQ(new_match->name, "new");
  EXPECT_EQ(new_match->role, Role::kOperator);
}

TEST(ApiKeyVerifier, RejectsWrongPrefixesAndEmptyKeys) {
  ApiKeyVerifier verifier;
  verifier.AddKey("k", "correct-horse-battery", Role::kAdmin);
  EXPECT_FALSE(verifier.Verify("correct-horse-batter"));
  EXPECT_FALSE(verifier.Verify("correct-horse-battery "));
  EXPECT_FALSE(verifier.Verify(""));
  EXPECT_FALSE(verifier.Verify("CORRECT-HORSE-BATTERY"));
  EXPECT_TRUE(ApiKeyVerifier().Verify("anything") == std::nullopt);
}

TEST(ApiKeyVerifier, RefusesDuplicateNamesValuesAndEmptyKeys) {
  ApiKeyVerifier verifier;
  verifier.AddKey("a", "value-one-0123456", Role::kSpawner);
  EXPECT_THROW(verifier.AddKey("a", "value-two-0123456", Role::kSpawner), std::invalid_argument);
  EXPECT_THROW(verifier.AddKey("b", "value-one-0123456", Role::kSpawner), std::invalid_argument);
  EXPECT_THROW(verifier.AddKey("c", "", Role::kSpawner), std::invalid_argument);
  EXPECT_THROW(verifier.AddKey("", "value-three-01234", Role::kSpawner), std::invalid_argument);
  EXPECT_EQ(verifier.size(), 1u);
}

TEST(ApiKeyVerifier, EveryVerificationComparesFixedLengthDigestsOfAllKeys) {
  // The verifier must go through the constant-time comparator, against every key, with
  // inputs whose length does not depend on the secret or the guess.
  int calls = 0;
  ApiKeyVerifier verifier([&calls](const Digest& left, const Digest& right) {
    ++calls;
    EXPECT_EQ(left.size(), kDigestBytes);
    EXPECT_EQ(right.size(), kDigestBytes);
    return SodiumDigestEqual(left, right);
  });
  verifier.AddKey("one", "first-key-0123456789", Role::kSpawner);
  verifier.AddKey("two", "second-key-0123456789-and-longer", Role::kSpawner);
  verifier.AddKey("three", "third-key-0123456789", Role::kSpawner);

  EXPECT_TRUE(verifier.Verify("first-key-0123456789"));  // a match on the first key...
  EXPECT_EQ(calls, 3);                                   // ...still compares all three
  calls = 0;
  EXPECT_FALSE(verifier.Verify("x"));
  EXPECT_EQ(calls, 3);
  calls = 0;
  EXPECT_TRUE(verifier.Verify("third-key-0123456789"));
  EXPECT_EQ(calls, 3);
}

TEST(ApiKeyVerifier, FindReturnsTheStoredRecordWithoutCopyingAndComparesEveryKey) {
  // Find is what the guard calls on every request: the same constant-time walk as Verify,
  // answering with the stored record itself.
  int calls = 0;
  ApiKeyVerifier verifier([&calls](const Digest& left, const Digest& right) {
    ++calls;
    return SodiumDigestEqual(left, right);
  });
  verifier.AddKey("one", "first-key-0123456789", Role::kSpawner,
                  *sr::net::CidrSet::Parse({"10.0.0.0/8"}));
  verifier.AddKey("two", "second-key-0123456789", Role::kOperator);

  ApiKeyVerifier::Match first = verifier.Find("first-key-0123456789");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(first->name, "one");
  EXPECT_EQ(first->role, Role::kSpawner);
  EXPECT_TRUE(first->ValidFrom("10.1.2.3"));
  EXPECT_FALSE(first->ValidFrom("192.168.1.1"));
  EXPECT_EQ(verifier.Find("first-key-0123456789"), first);  // the same record, not a copy
  calls = 0;
  EXPECT_EQ(verifier.Find("first-key-012345678"), nullptr);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(verifier.Find(""), nullptr);
  ASSERT_NE(verifier.Find("second-key-0123456789"), nullptr);
  EXPECT_EQ(verifier.Find("second-key-0123456789")->role, Role::kOperator);
}

TEST(ApiKeyVerifier, DefaultComparatorIsTheSodiumOne) {
  // sodium_compare_test.cpp proves that SodiumDigestEqual reaches sodium_memcmp.
  using Fn = bool (*)(const Digest&, const Digest&);
  ApiKeyVerifier verifier;
  const Fn* target = verifier.comparator().target<Fn>();
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(*target, &SodiumDigestEqual);
}

TEST(ApiKeyVerifier, DigestsAreDomainSeparatedFromPlainBlake2b) {
  EXPECT_FALSE(SodiumDigestEqual(ApiKeyVerifier::DigestOfKey("k"), DigestOf("", "k")));
}

}  // namespace
}  // namespace sr::auth
