#include "verified_key_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "api_key_verifier.h"

namespace sr::auth {
namespace {

TEST(VerifiedKeyCache, FindsOnlyWhatWasRemembered) {
  VerifiedKeyCache cache(4);
  EXPECT_FALSE(cache.Find("key-a"));
  cache.Remember("key-a", 2);
  EXPECT_EQ(cache.Find("key-a"), 2u);
  EXPECT_FALSE(cache.Find("key-b"));
  EXPECT_FALSE(cache.Find("key-"));
  EXPECT_FALSE(cache.Find("key-aa"));
  EXPECT_FALSE(cache.Find(""));
}

TEST(VerifiedKeyCache, IsBoundedAndKeepsOneSlotPerKey) {
  VerifiedKeyCache cache(2);
  cache.Remember("one", 0);
  cache.Remember("one", 0);  // a second thread that verified the same key
  EXPECT_EQ(cache.size(), 1u);
  cache.Remember("two", 1);
  cache.Remember("three", 2);  // full: ignored, so the cache never grows past its capacity
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.Find("three"));
  EXPECT_EQ(cache.Find("two"), 1u);
}

TEST(VerifiedKeyCache, CopiesForgetEverything) {
  VerifiedKeyCache cache(4);
  cache.Remember("one", 0);
  VerifiedKeyCache copy(cache);
  EXPECT_EQ(copy.size(), 0u);
  EXPECT_FALSE(copy.Find("one"));
  EXPECT_EQ(cache.Find("one"), 0u);
}

TEST(VerifiedKeyCache, LookupsRacingWithRememberSeeOnlyWholeSlots) {
  // Lookups take no lock: a reader must see either nothing or the index remembered, never a
  // slot half written. ThreadSanitizer runs this too.
  VerifiedKeyCache cache(64);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  auto read = [&] {
    while (!done.load()) {
      for (std::size_t i = 0; i < 64; ++i) {
        auto found = cache.Find("key-" + std::to_string(i));
        if (found && *found != i) wrong.fetch_add(1);
      }
    }
  };
  std::thread first(read);
  std::thread second(read);
  for (std::size_t i = 0; i < 64; ++i) cache.Remember("key-" + std::to_string(i), i);
  done.store(true);
  first.join();
  second.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.size(), 64u);
  EXPECT_EQ(cache.Find("key-63"), 63u);
}

TEST(VerifiedKeyCache, VerifierChecksRacingWithAKeyChangeSeeOneSetOrTheOther) {
  ApiKeyVerifier verifier;
  verifier.AddKey("master", "master-key-0123456789", Role::kSpawner);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread checker([&] {
    while (!done.load()) {
      ApiKeyVerifier::Match match = verifier.Find("master-key-0123456789");
      if (match == nullptr || match->name != "master") wrong.fetch_add(1);
      verifier.Find("generated-key-0123456789");  // either set's answer is right
    }
  });
  for (int i = 0; i < 200; ++i) {
    verifier.SetDigest("generated", ApiKeyVerifier::DigestOfKey("generated-key-0123456789"),
                       Role::kAdmin);
    verifier.SetDigest("generated", std::nullopt, Role::kAdmin);
  }
  done.store(true);
  checker.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(verifier.Find("generated-key-0123456789"), nullptr);
}

TEST(VerifiedKeyCache, VerifierRemembersOnlyValidKeysAndForgetsWhenKeysChange) {
  int calls = 0;
  ApiKeyVerifier verifier([&calls](const Digest& left, const Digest& right) {
    ++calls;
    return SodiumDigestEqual(left, right);
  });
  verifier.AddKey("one", "first-key-0123456789", Role::kSpawner);
  verifier.AddKey("two", "second-key-0123456789", Role::kOperator);

  ASSERT_NE(verifier.Find("first-key-0123456789"), nullptr);
  EXPECT_EQ(calls, 2);
  calls = 0;
  ApiKeyVerifier::Match again = verifier.Find("first-key-0123456789");  // from the cache
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->name, "one");
  EXPECT_EQ(calls, 0);

  // Wrong keys are never remembered: each is checked against every digest, every time.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(verifier.Find("not-a-key-" + std::to_string(i)), nullptr);
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(verifier.Find("not-a-key-0"), nullptr);
  EXPECT_EQ(calls, 8);

  // Adding a key clears the cache: the next check of the old key is a full one again.
  verifier.AddKey("three", "third-key-0123456789", Role::kAdmin);
  calls = 0;
  ApiKeyVerifier::Match after = verifier.Find("first-key-0123456789");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->name, "one");
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(verifier.Find("third-key-0123456789")->role, Role::kAdmin);
  EXPECT_EQ(verifier.Find("second-key-0123456789")->name, "two");
}

}  // namespace
}  // namespace sr::auth
