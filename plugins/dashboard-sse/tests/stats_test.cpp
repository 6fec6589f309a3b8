#include "stats.h"

#include <gtest/gtest.h>

#include "json_test_util.h"
#include "stats_collector.h"

namespace sr::dashboard {
namespace {

using namespace std::chrono_literals;
using testing::Parse;

TEST(StatsJson, MemoryGroupsEachPluginsItemsAndDividesByTheFleet) {
  StatsSample sample;
  sample.host.memory_rss_bytes = 30 << 20;
  sample.fleet = FleetTotals{true, 10, 0, 0, 0, 1};
  sample.plugin_memory = {{"spawner-registry", "spawners", 4000},
                          {"spawner-registry", "list cache", 1000},
                          {"dashboard-sse", "spawner mirror", 1000}};
  auto json = Parse(StatsJson(sample));
  const auto& memory = json["memory"];
  EXPECT_EQ(memory["rss"].GetUint64(), 30u << 20);
  ASSERT_EQ(memory["plugins"].Size(), 2u);
  EXPECT_STREQ(memory["plugins"][0]["plugin"].GetString(), "spawner-registry");
  EXPECT_EQ(memory["plugins"][0]["bytes"].GetUint64(), 5000u);
  EXPECT_EQ(memory["plugins"][0]["items"]["list cache"].GetUint64(), 1000u);
  EXPECT_EQ(memory["plugins"][1]["items"]["spawner mirror"].GetUint64(), 1000u);
  EXPECT_EQ(memory["plugin_bytes"].GetUint64(), 6000u);
  EXPECT_DOUBLE_EQ(memory["plugin_bytes_per_spawner"].GetDouble(), 600.0);
  sample.fleet.spawners = 0;
  EXPECT_TRUE(Parse(StatsJson(sample))["memory"]["plugin_bytes_per_spawner"].IsNull());
}

TEST(StatsJson, KeepsTheOriginalFieldsAndAddsTheNewOnes) {
  StatsSample sample;
  sample.tick = 3;
  sample.timestamp_ms = 1000;
  sample.host = HostCounters{5000, 100, 7, 2048, 4096, 1 << 20, 3, 1};
  sample.fleet = FleetTotals{true, 12, 2, 40, 120, 99};
  sample.db_connected = true;
  sample.requests_per_second = 12.345;
  sample.dashboard_clients = 4;
  sample.machine.cpu_percent = 37.5;
  sample.machine.memory_total = 8000;
  sample.machine.disk_free = 1000;
  sample.master = MasterIdentity{"0.0.0.0:8081", "master-a"};
  auto json = Parse(StatsJson(sample));
  EXPECT_STREQ(json["host"].GetString(), "0.0.0.0:8081");
  EXPECT_STREQ(json["hostname"].GetString(), "master-a");
  EXPECT_EQ(json["uptime"].GetUint64(), 5000u);
  EXPECT_EQ(json["active_spawners"].GetUint64(), 12u);
  EXPECT_EQ(json["total_requests"].GetUint64(), 100u);
  EXPECT_EQ(json["total_errors"].GetUint64(), 7u);
  EXPECT_TRUE(json["db_connected"].GetBool());
  EXPECT_EQ(json["memory_usage"].GetUint64(), 1u << 20);
  EXPECT_EQ(json["bytes_sent"].GetUint64(), 4096u);
  EXPECT_EQ(json["bytes_received"].GetUint64(), 2048u);
  EXPECT_DOUBLE_EQ(json["requests_per_second"].GetDouble(), 12.35);  // two decimals
  EXPECT_TRUE(json["errors_per_second"].IsNull());
  EXPECT_EQ(json["suspect_spawners"].GetUint64(), 2u);
  EXPECT_EQ(json["instances_in_use"].GetUint64(), 40u);
  EXPECT_EQ(json["capacity"].GetUint64(), 120u);
  EXPECT_EQ(json["tick"].GetUint64(), 3u);
  EXPECT_EQ(json["dashboard_clients"].GetUint64(), 4u);
  EXPECT_DOUBLE_EQ(json["machine"]["cpu_percent"].GetDouble(), 37.5);
  EXPECT_EQ(json["machine"]["memory_total"].GetUint64(), 8000u);
  EXPECT_TRUE(json["machine"]["memory_available"].IsNull());
  EXPECT_TRUE(json["machine"]["net_rx_bytes_per_second"].IsNull());
  EXPECT_EQ(json["machine"]["disk_free"].GetUint64(), 1000u);
}

TEST(CounterRate, IsTheIncreasePerSecond) {
  CounterRate rate;
  auto start = std::chrono::steady_clock::time_point(100s);
  EXPECT_FALSE(rate.Update(10, start));
  EXPECT_DOUBLE_EQ(*rate.Update(30, start + 2s), 10.0);
  EXPECT_DOUBLE_EQ(*rate.Update(30, start + 3s), 0.0);
  EXPECT_FALSE(rate.Update(5, start + 4s));  // went backwards
}

TEST(StatsCollector, TicksCountAndLatestIsShared) {
  StatsCollector collector(MachineSampler("/nonexistent", "", 100), 10);
  EXPECT_EQ(collector.Latest(), nullptr);
  StatsInputs inputs;
  inputs.now = std::chrono::steady_clock::time_point(10s);
  inputs.host.total_requests = 100;
  auto first = collector.Collect(inputs);
  inputs.now += 1s;
  inputs.host.total_requests = 150;
  auto second = collector.Collect(inputs);
  EXPECT_EQ(collector.Latest(), second);
  auto json = Parse(*second);
  EXPECT_EQ(json["tick"].GetUint64(), 2u);
  EXPECT_DOUBLE_EQ(json["requests_per_second"].GetDouble(), 50.0);
  EXPECT_TRUE(Parse(*first)["requests_per_second"].IsNull());
  EXPECT_EQ(collector.history().size(), 2u);
}

TEST(StatsCollector, AllocationTotalsBecomeRates) {
  StatsCollector collector(MachineSampler("/nonexistent", "", 100), 10);
  StatsInputs inputs;
  inputs.now = std::chrono::steady_clock::time_point(10s);
  inputs.allocations = AllocationTotals{40, 2};
  auto first = Parse(*collector.Collect(inputs));
  EXPECT_EQ(first["total_allocations"].GetUint64(), 40u);
  EXPECT_EQ(first["total_allocation_failures"].GetUint64(), 2u);
  EXPECT_TRUE(first["allocations_per_second"].IsNull());  // no previous reading
  inputs.now += 2s;
  inputs.allocations = AllocationTotals{100, 8};
  auto second = Parse(*collector.Collect(inputs));
  EXPECT_DOUBLE_EQ(second["allocations_per_second"].GetDouble(), 30.0);
  EXPECT_DOUBLE_EQ(second["allocation_failures_per_second"].GetDouble(), 3.0);
  auto points = collector.history().Points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_DOUBLE_EQ(*points[1].allocations_per_second, 30.0);
  EXPECT_DOUBLE_EQ(*points[1].allocation_failures_per_second, 3.0);
}

}  // namespace
}  // namespace sr::dashboard
