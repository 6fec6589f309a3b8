#include "failure_limiter.h"

#include <gtest/gtest.h>

namespace sr::auth {
namespace {

FailurePolicy Policy() {
  FailurePolicy policy;
  policy.free_failures = 3;
  policy.base_lockout_ms = 1'000;
  policy.max_lockout_ms = 4'000;
  policy.forget_after_ms = 60'000;
  policy.max_tracked = 100;
  return policy;
}

TEST(FailureLimiter, LocksOutAfterTheFreeFailures) {
  FailureLimiter limiter(Policy());
  std::int64_t now = 0;
  EXPECT_EQ(limiter.RecordFailure("ip:1", now), 0);
  EXPECT_EQ(limiter.RecordFailure("ip:1", now), 0);
  EXPECT_FALSE(limiter.LockedForMs("ip:1", now));
  EXPECT_EQ(limiter.RecordFailure("ip:1", now), 1'000);
  EXPECT_EQ(limiter.LockedForMs("ip:1", now), 1'000);
  EXPECT_EQ(limiter.LockedForMs("ip:1", now + 400), 600);
  EXPECT_FALSE(limiter.LockedForMs("ip:2", now));  // other keys are unaffected
}

TEST(FailureLimiter, ReleasesAfterTheWindowAndBacksOffExponentially) {
  FailureLimiter limiter(Policy());
  std::int64_t now = 0;
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("k", now);
  now += 1'000;
  EXPECT_FALSE(limiter.LockedForMs("k", now));  // released
  EXPECT_EQ(limiter.RecordFailure("k", now), 2'000);
  now += 2'000;
  EXPECT_EQ(limiter.RecordFailure("k", now), 4'000);
  now += 4'000;
  EXPECT_EQ(limiter.RecordFailure("k", now), 4'000);  // capped
}

TEST(FailureLimiter, ResetAndForgettingClearFailures) {
  FailureLimiter limiter(Policy());
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("k", 0);
  limiter.Reset("k");
  EXPECT_FALSE(limiter.LockedForMs("k", 0));
  EXPECT_EQ(limiter.RecordFailure("k", 0), 0);

  limiter.RecordFailure("old", 0);
  limiter.RecordFailure("old", 0);
  // Failures older than forget_after no longer count towards a lockout.
  EXPECT_EQ(limiter.RecordFailure("old", 60'001), 0);
}

TEST(FailureLimiter, KeysWhoseFailuresNoLongerCountAreDropped) {
  FailureLimiter limiter(Policy());
  for (int i = 0; i < 4; ++i) limiter.RecordFailure("burst", 0);  // locked for 2 s
  limiter.RecordFailure("later", 30'000);
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_FALSE(limiter.LockedForMs("other", 60'000));
  EXPECT_EQ(limiter.tracked(), 2u);  // nothing is older than forget_after yet
  EXPECT_FALSE(limiter.LockedForMs("other", 60'001));
  EXPECT_EQ(limiter.tracked(), 1u);  // "burst" went; "later" still counts
  EXPECT_FALSE(limiter.empty());
  EXPECT_EQ(limiter.RecordFailure("burst", 60'001), 0);  // starts afresh
  EXPECT_FALSE(limiter.LockedForMs("other", 200'000));
  EXPECT_TRUE(limiter.empty());
}

TEST(FailureLimiter, AKeyStillLockedOutIsKeptPastForgetAfter) {
  FailurePolicy policy = Policy();
  policy.max_lockout_ms = 120'000;
  policy.base_lockout_ms = 100'000;
  FailureLimiter limiter(policy);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("k", 0);  // locked until 100 s
  EXPECT_EQ(limiter.LockedForMs("k", 70'000), 30'000);
  EXPECT_EQ(limiter.tracked(), 1u);
  EXPECT_FALSE(limiter.LockedForMs("k", 100'000));
  EXPECT_TRUE(limiter.empty());
}

TEST(FailureLimiter, MemoryIsBoundedByEvictingTheLeastRecent) {
  FailurePolicy policy = Policy();
  policy.max_tracked = 100;
  FailureLimiter limiter(policy);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("victim-of-attack", 0);
  for (int i = 0; i < 1000; ++i) limiter.RecordFailure("flood:" + std::to_string(i), 1);
  EXPECT_EQ(limiter.tracked(), 100u);
  // The oldest entry went first; the newest ones remain.
  EXPECT_FALSE(limiter.LockedForMs("victim-of-attack", 2));
  limiter.RecordFailure("flood:999", 2);
  limiter.RecordFailure("flood:999", 2);
  EXPECT_TRUE(limiter.LockedForMs("flood:999", 2));
}

TEST(FailureLimiter, RecentlyFailingKeysSurviveAFlood) {
  FailureLimiter limiter(Policy());
  for (int round = 0; round < 10; ++round) {
    limiter.RecordFailure("account:admin", round);
    for (int i = 0; i < 50; ++i) {
      limiter.RecordFailure("flood:" + std::to_string(round * 50 + i), round);
    }
  }
  EXPECT_LE(limiter.tracked(), 100u);
  EXPECT_TRUE(limiter.LockedForMs("account:admin", 10));
}

}  // namespace
}  // namespace sr::auth
