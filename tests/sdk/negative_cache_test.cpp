#include "sr/negative_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace sr {
namespace {

constexpr std::int64_t kTtlMs = 2000;
constexpr std::int64_t kStart = 1'000'000;

// The store said `key` was absent at `now_ms`, in a read that nothing overlapped.
bool Miss(NegativeCache& cache, const std::string& key, std::int64_t now_ms) {
  NegativeCache::Ticket ticket = cache.BeforeRead(key);
  return cache.Remember(key, ticket, now_ms);
}

TEST(NegativeCache, RemembersAMissForTheTtlOnly) {
  NegativeCache cache(kTtlMs, 16);
  EXPECT_FALSE(cache.Absent("a", kStart));
  ASSERT_TRUE(Miss(cache, "a", kStart));
  EXPECT_TRUE(cache.Absent("a", kStart));
  EXPECT_TRUE(cache.Absent("a", kStart + kTtlMs - 1));
  EXPECT_FALSE(cache.Absent("b", kStart));
  EXPECT_FALSE(cache.Absent("a", kStart + kTtlMs));
  EXPECT_EQ(cache.size(), 0u);  // dropped when met expired
  EXPECT_FALSE(cache.Absent("a", kStart));
}

TEST(NegativeCache, AMissRememberedAgainStartsItsTtlAgain) {
  NegativeCache cache(kTtlMs, 16);
  ASSERT_TRUE(Miss(cache, "a", kStart));
  ASSERT_TRUE(Miss(cache, "a", kStart + 1500));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Absent("a", kStart + 3000));
  EXPECT_FALSE(cache.Absent("a", kStart + 3500));
}

TEST(NegativeCache, AClockThatSteppedBackExpiresTheEntry) {
  NegativeCache cache(kTtlMs, 16);
  ASSERT_TRUE(Miss(cache, "a", kStart));
  EXPECT_FALSE(cache.Absent("a", kStart - 1));
}

TEST(NegativeCache, HoldsAtMostItsCapacityAndEvictsTheOldestFirst) {
  NegativeCache cache(kTtlMs, 3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Miss(cache, std::to_string(i), kStart + i));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Absent("0", kStart + 5));
  EXPECT_FALSE(cache.Absent("1", kStart + 5));
  EXPECT_TRUE(cache.Absent("2", kStart + 5));
  EXPECT_TRUE(cache.Absent("4", kStart + 5));
  // A key remembered again moves to the young end.
  ASSERT_TRUE(Miss(cache, "2", kStart + 6));
  ASSERT_TRUE(Miss(cache, "5", kStart + 7));
  EXPECT_FALSE(cache.Absent("3", kStart + 8));
  EXPECT_TRUE(cache.Absent("2", kStart + 8));
  EXPECT_TRUE(cache.Absent("5", kStart + 8));
}

TEST(NegativeCache, AFloodOfDistinctKeysStaysWithinTheCapacity) {
  NegativeCache cache(kTtlMs, 100);
  for (int i = 0; i < 10'000; ++i) Miss(cache, "flood-" + std::to_string(i), kStart);
  EXPECT_EQ(cache.size(), 100u);
  EXPECT_TRUE(cache.Absent("flood-9999", kStart));
  EXPECT_FALSE(cache.Absent("flood-0", kStart));
}

TEST(NegativeCache, ExpiredEntriesMakeRoomBeforeLiveOnesAreEvicted) {
  NegativeCache cache(kTtlMs, 3);
  ASSERT_TRUE(Miss(cache, "old", kStart));
  ASSERT_TRUE(Miss(cache, "x", kStart + kTtlMs));
  ASSERT_TRUE(Miss(cache, "y", kStart + kTtlMs + 1));  // "old" expired on the way
  EXPECT_EQ(cache.size(), 2u);
}

TEST(NegativeCache, ForgetEndsTheMissAtOnce) {
  NegativeCache cache(kTtlMs, 16);
  ASSERT_TRUE(Miss(cache, "a", kStart));
  ASSERT_TRUE(Miss(cache, "b", kStart));
  cache.Forget("a");
  EXPECT_FALSE(cache.Absent("a", kStart));
  EXPECT_TRUE(cache.Absent("b", kStart));
  cache.Forget("never-remembered");  // harmless
  EXPECT_EQ(cache.size(), 1u);
}

// The read found nothing, the key's put was delivered while the answer travelled back: the
// stale miss must not be remembered after the put.
TEST(NegativeCache, AMissReadBeforeAPutLearntMeanwhileIsNotRemembered) {
  NegativeCache cache(kTtlMs, 16);
  NegativeCache::Ticket ticket = cache.BeforeRead("a");
  cache.Forget("a");  // the watch delivers the put
  EXPECT_FALSE(cache.Remember("a", ticket, kStart));
  EXPECT_FALSE(cache.Absent("a", kStart));
  // A read begun after the put may remember its answer (say the key was deleted since).
  EXPECT_TRUE(Miss(cache, "a", kStart));
}

TEST(NegativeCache, PutsOfOtherKeysRarelyCostAMiss) {
  NegativeCache cache(kTtlMs, 1024);
  int refused = 0;
  for (int i = 0; i < 256; ++i) {
    const std::string key = "key-" + std::to_string(i);
    NegativeCache::Ticket ticket = cache.BeforeRead(key);
    cache.Forget("other-" + std::to_string(i));
    if (!cache.Remember(key, ticket, kStart)) ++refused;
  }
  // Only a put of a key of the same stripe (1 in 64) withholds a miss: never a wrong answer,
  // only one more read.
  EXPECT_LT(refused, 32);
}

TEST(NegativeCache, ATicketTakenForAnotherKeyNeverHidesAPut) {
  NegativeCache cache(kTtlMs, 16);
  NegativeCache::Ticket ticket = cache.BeforeRead("a");
  for (int i = 0; i < 64; ++i) {
    const std::string key = "b" + std::to_string(i);
    cache.Forget(key);
    // Whatever the ticket says, a put of the key itself since it was taken is never ignored.
    EXPECT_FALSE(cache.Remember(key, ticket, kStart)) << key;
    ticket = cache.BeforeRead("a");
  }
}

TEST(NegativeCache, ZeroTtlOrCapacityRemembersNothing) {
  NegativeCache no_ttl(0, 16);
  NegativeCache no_room(kTtlMs, 0);
  EXPECT_FALSE(Miss(no_ttl, "a", kStart));
  EXPECT_FALSE(Miss(no_room, "a", kStart));
  EXPECT_FALSE(no_ttl.Absent("a", kStart));
  EXPECT_FALSE(no_room.Absent("a", kStart));
  EXPECT_EQ(no_room.size(), 0u);
}

// Readers miss the key over and over while a writer stores it and then tells the cache: once
// the writer is done and the readers have finished, no miss of the key may remain (also run
// under ThreadSanitizer).
TEST(NegativeCacheThreads, NoStaleMissOutlivesThePutOfItsKey) {
  for (int round = 0; round < 50; ++round) {
    NegativeCache cache(60'000, 64);
    std::atomic<bool> stored{false};
    std::atomic<bool> written{false};
    auto reader = [&] {
      for (int i = 0; i < 2000 && !written.load(); ++i) {
        if (cache.Absent("k", kStart)) continue;
        NegativeCache::Ticket ticket = cache.BeforeRead("k");
        if (!stored.load()) cache.Remember("k", ticket, kStart);
        cache.Absent("other", kStart);
      }
    };
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
    std::this_thread::yield();
    stored.store(true);  // the put commits...
    cache.Forget("k");   // ...and is learnt
    written.store(true);
    for (std::thread& thread : readers) thread.join();
    EXPECT_FALSE(cache.Absent("k", kStart)) << "round " << round;
  }
}

}  // namespace
}  // namespace sr
