#include "session_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "memory_key_value_store.h"

namespace sr::auth {
namespace {

SessionLimits Limits() {
  SessionLimits limits;
  limits.idle_timeout_ms = 1'000;
  limits.lifetime_ms = 5'000;
  limits.max_per_user = 3;
  return limits;
}

class SessionStoreTest : public ::testing::Test {
 protected:
  MemoryKeyValueStore store_;
  SessionStore sessions_{store_, Limits()};
};

TEST_F(SessionStoreTest, IssuesRandomTokensAndStoresOnlyTheirDigest) {
  auto issued = sessions_.Create(7, 1, 0);
  EXPECT_EQ(issued.token.size(), 43u);
  EXPECT_EQ(issued.session.csrf_token.size(), 43u);
  EXPECT_NE(issued.token, issued.session.csrf_token);
  EXPECT_EQ(issued.session.id_hash, SessionStore::HashToken(issued.token));
  bool token_stored = false;
  store_.Scan(SessionStore::kSpace, "", "", 0, false,
              [&](std::string_view key, std::string_view value) {
                EXPECT_EQ(key, issued.session.id_hash);
                token_stored |= key.find(issued.token) != std::string_view::npos ||
                                value.find(issued.token) != std::string_view::npos;
                return true;
              });
  EXPECT_FALSE(token_stored);
  auto found = sessions_.Touch(issued.token, 10);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, 7u);
  EXPECT_FALSE(sessions_.Touch("not-a-token", 10));
  EXPECT_FALSE(sessions_.Touch("", 10));
}

TEST_F(SessionStoreTest, IdleSessionsExpire) {
  auto issued = sessions_.Create(1, 1, 0);
  EXPECT_TRUE(sessions_.Touch(issued.token, 900));
  EXPECT_TRUE(sessions_.Touch(issued.token, 1'800));  // activity restarts the idle timer
  EXPECT_FALSE(sessions_.Peek(issued.token, 2'800));
  EXPECT_FALSE(sessions_.Touch(issued.token, 0));  // and it is gone for good
}

TEST_F(SessionStoreTest, PeekDoesNotExtendTheSession) {
  auto issued = sessions_.Create(1, 1, 0);
  EXPECT_TRUE(sessions_.Peek(issued.token, 900));
  EXPECT_FALSE(sessions_.Peek(issued.token, 1'000));
}

TEST_F(SessionStoreTest, SessionsEndAtTheAbsoluteLifetimeDespiteActivity) {
  auto issued = sessions_.Create(1, 1, 0);
  for (std::int64_t now = 500; now < 5'000; now += 500) {
    ASSERT_TRUE(sessions_.Touch(issued.token, now)) << now;
  }
  EXPECT_FALSE(sessions_.Touch(issued.token, 5'000));
}

TEST_F(SessionStoreTest, RemovesOneOrAllOfAUser) {
  auto a1 = sessions_.Create(1, 1, 0);
  auto a2 = sessions_.Create(1, 1, 0);
  auto b = sessions_.Create(2, 1, 0);
  EXPECT_TRUE(sessions_.Remove(a1.token));
  EXPECT_FALSE(sessions_.Remove(a1.token));
  EXPECT_FALSE(sessions_.Touch(a1.token, 1));
  EXPECT_EQ(sessions_.RemoveForUser(1).size(), 1u);
  EXPECT_FALSE(sessions_.Touch(a2.token, 1));
  EXPECT_TRUE(sessions_.Touch(b.token, 1));
  EXPECT_EQ(store_.Count(SessionStore::kSpace), 1u);
}

TEST_F(SessionStoreTest, CapsSessionsPerUserDroppingTheLeastRecentlyUsed) {
  auto first = sessions_.Create(1, 1, 0);
  auto second = sessions_.Create(1, 1, 1);
  auto third = sessions_.Create(1, 1, 2);
  sessions_.Touch(first.token, 3);  // `second` is now the least recently used
  auto fourth = sessions_.Create(1, 1, 4);
  EXPECT_FALSE(sessions_.Touch(second.token, 5));
  EXPECT_TRUE(sessions_.Touch(first.token, 5));
  EXPECT_TRUE(sessions_.Touch(third.token, 5));
  EXPECT_TRUE(sessions_.Touch(fourth.token, 5));
  EXPECT_EQ(sessions_.size(), 3u);
}

TEST_F(SessionStoreTest, SurvivesAReloadWithTheLastSeenTimeFlushed) {
  auto issued = sessions_.Create(1, 4, 0);
  sessions_.Touch(issued.token, 800);
  sessions_.Flush(800);
  SessionStore reloaded(store_, Limits());
  reloaded.Load(1'500);  // idle since 800: still valid (it would have expired since 0)
  auto found = reloaded.Touch(issued.token, 1'500);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_generation, 4u);
  EXPECT_EQ(found->csrf_token, issued.session.csrf_token);
}

TEST_F(SessionStoreTest, ExpiredAndRemovedSessionsDoNotComeBack) {
  auto kept = sessions_.Create(1, 1, 0);
  auto removed = sessions_.Create(2, 1, 0);
  auto idle = sessions_.Create(3, 1, 0);
  sessions_.Touch(kept.token, 600);
  sessions_.Touch(removed.token, 600);  // dirty, then removed before the flush
  sessions_.Remove(removed.token);
  sessions_.Flush(1'200);  // `idle` expires here; `kept` is written
  EXPECT_EQ(store_.Count(SessionStore::kSpace), 1u);
  SessionStore reloaded(store_, Limits());
  reloaded.Load(1'300);
  EXPECT_TRUE(reloaded.Peek(kept.token, 1'300));
  EXPECT_FALSE(reloaded.Peek(removed.token, 1'300));
  EXPECT_FALSE(reloaded.Peek(idle.token, 1'300));
}

TEST_F(SessionStoreTest, LoadDropsSessionsThatExpiredWhileDown) {
  auto issued = sessions_.Create(1, 1, 0);
  SessionStore reloaded(store_, Limits());
  reloaded.Load(10'000);
  EXPECT_FALSE(reloaded.Peek(issued.token, 10'000));
  EXPECT_EQ(store_.Count(SessionStore::kSpace), 0u);
}

TEST_F(SessionStoreTest, AFailedDeletionIsRetriedByTheNextFlush) {
  auto issued = sessions_.Create(1, 1, 0);
  store_.SetFailing(true);
  EXPECT_THROW(sessions_.Remove(issued.token), StoreError);
  EXPECT_FALSE(sessions_.Touch(issued.token, 1));  // gone from memory at once
  EXPECT_THROW(sessions_.Flush(1), StoreError);
  store_.SetFailing(false);
  sessions_.Flush(2);
  EXPECT_EQ(store_.Count(SessionStore::kSpace), 0u);
}

TEST_F(SessionStoreTest, CorruptRowsAreDropped) {
  store_.Write({KvOp::Put(std::string(SessionStore::kSpace), std::string(64, 'a'), "{not json"),
                KvOp::Put(std::string(SessionStore::kSpace), "short", "{}")});
  sessions_.Load(0);
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_EQ(store_.Count(SessionStore::kSpace), 0u);
}

TEST_F(SessionStoreTest, GuardsAndWritersMayRunConcurrently) {
  // Guards touch sessions on I/O threads while handlers create and end them and the flush
  // task writes: run all of it at once (meaningful under TSan and ASan).
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> now{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto issued = sessions_.Create(static_cast<std::uint64_t>(t), 1, now.load());
        sessions_.Touch(issued.token, now.fetch_add(1));
        if (i % 3 == 0) sessions_.Remove(issued.token);
        if (i % 50 == 0) sessions_.RemoveForUser(static_cast<std::uint64_t>(t));
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop.load()) sessions_.Flush(now.load());
  });
  for (int t = 0; t < 2; ++t) threads[static_cast<std::size_t>(t)].join();
  stop.store(true);
  threads.back().join();
  sessions_.Flush(now.load());
  EXPECT_LE(sessions_.size(), 2 * Limits().max_per_user);
  EXPECT_EQ(store_.Count(SessionStore::kSpace), sessions_.size());
}

}  // namespace
}  // namespace sr::auth
