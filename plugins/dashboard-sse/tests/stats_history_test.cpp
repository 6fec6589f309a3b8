#include "stats_history.h"

#include <gtest/gtest.h>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Parse;

StatsPoint Point(std::int64_t t) {
  StatsPoint point;
  point.timestamp_ms = t;
  point.requests_per_second = static_cast<double>(t) / 2;
  point.active_spawners = static_cast<std::uint64_t>(t);
  point.capacity = 100;
  return point;
}

TEST(StatsHistory, KeepsPointsInOrderUntilFull) {
  StatsHistory history(3);
  history.Append(Point(1));
  history.Append(Point(2));
  auto points = history.Points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].timestamp_ms, 1);
  EXPECT_EQ(points[1].timestamp_ms, 2);
}

TEST(StatsHistory, IsBoundedAndDropsTheOldest) {
  StatsHistory history(3);
  for (int t = 1; t <= 7; ++t) history.Append(Point(t));
  EXPECT_EQ(history.size(), 3u);
  auto points = history.Points();
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].timestamp_ms, 5);
  EXPECT_EQ(points[1].timestamp_ms, 6);
  EXPECT_EQ(points[2].timestamp_ms, 7);
}

TEST(StatsHistory, JsonHasOneArrayPerSeries) {
  StatsHistory history(900);
  history.Append(Point(1000));
  StatsPoint unknown = Point(2000);
  unknown.requests_per_second.reset();
  history.Append(unknown);
  auto json = Parse(history.Json(1000));
  EXPECT_EQ(json["interval_ms"].GetInt(), 1000);
  EXPECT_EQ(json["max_points"].GetUint64(), 900u);
  for (const char* series :
       {"t", "requests_per_second", "errors_per_second", "active_spawners", "instances_in_use",
        "capacity", "memory_usage", "cpu_percent", "process_cpu_percent", "allocations_per_second",
        "allocation_failures_per_second"}) {
    ASSERT_TRUE(json.HasMember(series)) << series;
    EXPECT_EQ(json[series].Size(), 2u) << series;
  }
  EXPECT_EQ(json["t"][1].GetInt64(), 2000);
  EXPECT_DOUBLE_EQ(json["requests_per_second"][0].GetDouble(), 500.0);
  EXPECT_TRUE(json["requests_per_second"][1].IsNull());
  EXPECT_TRUE(json["cpu_percent"][0].IsNull());
}

TEST(StatsHistory, KeepsTheAllocationRatesOfASample) {
  StatsSample sample;
  sample.timestamp_ms = 5000;
  sample.allocations_per_second = 12.5;
  sample.allocation_failures_per_second = 0.5;
  StatsHistory history(10);
  history.Append(StatsPoint::From(sample));
  auto json = Parse(history.Json(1000));
  EXPECT_DOUBLE_EQ(json["allocations_per_second"][0].GetDouble(), 12.5);
  EXPECT_DOUBLE_EQ(json["allocation_failures_per_second"][0].GetDouble(), 0.5);
}

TEST(StatsHistory, EmptyHistoryIsValidJson) {
  StatsHistory history(10);
  auto json = Parse(history.Json(500));
  EXPECT_EQ(json["t"].Size(), 0u);
}

}  // namespace
}  // namespace sr::dashboard
