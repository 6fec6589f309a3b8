#include "instance_events.h"

#include <gtest/gtest.h>

#include "change_buffers.h"
#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Parse;

std::string Instance(const std::string& id, const std::string& status = "running",
                     const std::string& source = "allocation") {
  return R"({"id":")" + id + R"(","spawner_id":3,"agent_instance_id":"a-1","region":"eu",)" +
         R"("host":"10.0.0.3","port":7001,"address":"10.0.0.3:7001","status":")" + status +
         R"(","started_at":"2026-12-06T12:00:00Z","source":")" + source + R"("})";
}

std::vector<std::string> IdsOf(const rapidjson::Value& array) {
  std::vector<std::string> ids;
  for (const auto& item : array.GetArray()) ids.emplace_back(item["id"].GetString());
  return ids;
}

TEST(ParseInstanceEvent, ReadsTheStringIdAndTheSource) {
  auto facts = ParseInstanceEvent(Instance("i-7", "running", "adopted"));
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->id, "i-7");
  EXPECT_EQ(facts->source, "adopted");
  EXPECT_EQ(ParseInstanceEvent(R"({"id":"i-1"})")->source, "");
  EXPECT_FALSE(ParseInstanceEvent(R"({"id":7})"));
  EXPECT_FALSE(ParseInstanceEvent(R"({"id":""})"));
  EXPECT_FALSE(ParseInstanceEvent("[]"));
  EXPECT_FALSE(ParseInstanceEvent("not json"));
}

TEST(InstanceChangeBuffer, NothingGatheredIsNoEvent) {
  InstanceChangeBuffer buffer(10);
  EXPECT_FALSE(buffer.Take());
  EXPECT_FALSE(buffer.AddStarted(R"({"id":1})"));
  EXPECT_FALSE(buffer.Take());
}

TEST(InstanceChangeBuffer, LastWordPerInstanceWins) {
  InstanceChangeBuffer buffer(10);
  EXPECT_TRUE(buffer.AddStarted(Instance("i-1")));
  EXPECT_TRUE(buffer.AddStarted(Instance("i-2")));
  EXPECT_TRUE(buffer.AddStopped(Instance("i-1", "stopped")));
  EXPECT_TRUE(buffer.AddStopped(Instance("i-3", "gone")));
  auto event = buffer.Take();
  ASSERT_TRUE(event);
  auto json = Parse(*event);
  EXPECT_EQ(IdsOf(json["started"]), std::vector<std::string>({"i-2"}));
  EXPECT_EQ(IdsOf(json["stopped"]), std::vector<std::string>({"i-1", "i-3"}));
  EXPECT_EQ(std::string(json["stopped"][0]["status"].GetString()), "stopped");
  EXPECT_EQ(std::string(json["started"][0]["address"].GetString()), "10.0.0.3:7001");
  EXPECT_FALSE(json["overflowed"].GetBool());
  EXPECT_FALSE(buffer.Take());  // taken
}

TEST(InstanceChangeBuffer, ABurstBeyondTheLimitSaysOverflowed) {
  InstanceChangeBuffer buffer(3);
  for (int i = 1; i <= 5; ++i) buffer.AddStarted(Instance("i-" + std::to_string(i)));
  auto json = Parse(*buffer.Take());
  EXPECT_TRUE(json["overflowed"].GetBool());
  EXPECT_EQ(json["started"].Size(), 0u);
  // The next window starts afresh.
  buffer.AddStarted(Instance("i-6"));
  json = Parse(*buffer.Take());
  EXPECT_FALSE(json["overflowed"].GetBool());
  EXPECT_EQ(IdsOf(json["started"]), std::vector<std::string>({"i-6"}));
}

TEST(AllocationCounters, CountStartsTheMasterMadeAndFailures) {
  AllocationCounters counters;
  counters.CountStarted(*ParseInstanceEvent(Instance("i-1", "running", "allocation")));
  counters.CountStarted(*ParseInstanceEvent(Instance("i-2", "running", "spawn")));
  counters.CountStarted(*ParseInstanceEvent(Instance("i-3", "running", "adopted")));
  counters.CountFailure();
  EXPECT_EQ(counters.allocations(), 2u);
  EXPECT_EQ(counters.failures(), 1u);
}

TEST(ErrorEventBuffer, NamesItsListForAllocationFailures) {
  ErrorEventBuffer buffer(10, "failures");
  EXPECT_TRUE(buffer.Add(R"({"region":"eu","error":"no capacity","status":503})"));
  auto json = Parse(*buffer.Take());
  ASSERT_EQ(json["failures"].Size(), 1u);
  EXPECT_EQ(json["failures"][0]["status"].GetInt(), 503);
  EXPECT_FALSE(json.HasMember("errors"));
}

}  // namespace
}  // namespace sr::dashboard
