#include "agent_json.h"

#include <gtest/gtest.h>

namespace sr::game_instances {
namespace {

TEST(AgentJson, ReadsTheSpawnAnswerOfTheAgent) {
  auto started =
      ParseAgentSpawn(R"({"id":"abc","port":7001,"pid":12,"status":"running","region":"eu",)"
                      R"("start_time":"2026-12-06T10:00:00Z"})");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->id, "abc");
  EXPECT_EQ(started->port, 7001);
  EXPECT_EQ(started->start_time, "2026-12-06T10:00:00Z");
  EXPECT_EQ(ParseAgentSpawn(R"({"id":5,"port":7001})")->id, "5");
  EXPECT_FALSE(ParseAgentSpawn(R"({"id":"abc"})"));
  EXPECT_FALSE(ParseAgentSpawn(R"({"id":"abc","port":70000})"));
  EXPECT_FALSE(ParseAgentSpawn(R"({"id":"","port":7001})"));
  EXPECT_FALSE(ParseAgentSpawn("not json"));
}

TEST(AgentJson, ReadsTheInstanceListAndSkipsBrokenEntries) {
  auto listed =
      ParseAgentInstances(R"({"instances":[{"id":"a","port":1},{"port":2},{"id":"c","port":3}]})");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].id, "c");
  EXPECT_TRUE(ParseAgentInstances(R"({"instances":[]})")->empty());
  EXPECT_FALSE(ParseAgentInstances(R"({"instance":[]})"));
  EXPECT_FALSE(ParseAgentInstances("[]"));
}

TEST(AgentJson, ErrorMessages) {
  EXPECT_EQ(AgentErrorMessage(R"({"error":"full"})"), "full");
  EXPECT_EQ(AgentErrorMessage(""), "an empty answer");
  EXPECT_EQ(AgentErrorMessage("oops"), "oops");
}

}  // namespace
}  // namespace sr::game_instances
