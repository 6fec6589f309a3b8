#include "sr/read_budget.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

namespace sr {
namespace {

constexpr std::int64_t kStart = 5'000'000;

int Takes(ReadBudget& budget, int attempts, std::int64_t now_ms) {
  int taken = 0;
  for (int i = 0; i < attempts; ++i) taken += budget.Take(now_ms) ? 1 : 0;
  return taken;
}

TEST(ReadBudget, StartsFullAndRefusesPastTheBurst) {
  ReadBudget budget(10, 20);
  EXPECT_EQ(Takes(budget, 100, kStart), 20);
  EXPECT_EQ(budget.refused(), 80u);
}

TEST(ReadBudget, RefillsAtItsRate) {
  ReadBudget budget(10, 20);
  EXPECT_EQ(Takes(budget, 20, kStart), 20);
  EXPECT_FALSE(budget.Take(kStart + 99));  // 0.99 of a read
  EXPECT_TRUE(budget.Take(kStart + 100));
  EXPECT_FALSE(budget.Take(kStart + 100));
  EXPECT_EQ(Takes(budget, 100, kStart + 600), 5);
}

TEST(ReadBudget, HoldsAtMostTheBurstHoweverLongItRested) {
  ReadBudget budget(10, 20);
  EXPECT_EQ(Takes(budget, 20, kStart), 20);
  EXPECT_EQ(Takes(budget, 100, kStart + 3'600'000), 20);
  EXPECT_EQ(Takes(budget, 100, std::numeric_limits<std::int64_t>::max()), 20);  // no overflow
}

TEST(ReadBudget, AClockThatSteppedBackAddsNothing) {
  ReadBudget budget(10, 5);
  EXPECT_EQ(Takes(budget, 5, kStart), 5);
  EXPECT_FALSE(budget.Take(kStart - 60'000));
  EXPECT_FALSE(budget.Take(kStart - 59'950));  // 0.5 of a read since the step back
  EXPECT_TRUE(budget.Take(kStart - 59'900));
}

TEST(ReadBudget, ReportsRefusalsAtOnceThenOnceAnInterval) {
  ReadBudget budget(1, 1);
  EXPECT_EQ(budget.RefusalsToReport(kStart, 10'000), 0u);  // nothing refused yet
  EXPECT_EQ(Takes(budget, 4, kStart), 1);
  EXPECT_EQ(budget.RefusalsToReport(kStart, 10'000), 3u);  // the first report comes at once
  EXPECT_EQ(Takes(budget, 5, kStart + 1), 0);
  EXPECT_EQ(budget.RefusalsToReport(kStart + 9'999, 10'000), 0u);
  EXPECT_EQ(budget.RefusalsToReport(kStart + 10'000, 10'000), 5u);
  EXPECT_EQ(budget.RefusalsToReport(kStart + 30'000, 10'000), 0u);  // none since
  EXPECT_EQ(budget.refused(), 8u);
}

TEST(ReadBudget, ZeroPerSecondMeansNoLimit) {
  ReadBudget budget(0, 1);
  EXPECT_EQ(Takes(budget, 10'000, kStart), 10'000);
  EXPECT_EQ(budget.refused(), 0u);
}

TEST(ReadBudget, ThreadsTogetherTakeNoMoreThanTheBurst) {
  ReadBudget budget(1, 1000);
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] { taken += Takes(budget, 1000, kStart); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(taken.load(), 1000);
  EXPECT_EQ(budget.refused(), 3000u);
}

}  // namespace
}  // namespace sr
