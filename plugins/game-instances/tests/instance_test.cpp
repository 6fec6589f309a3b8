#include "instance.h"

#include <gtest/gtest.h>

namespace sr::game_instances {
namespace {

TEST(Instance, JsonRoundTripsThroughTheStoredForm) {
  const Instance instance{.number = 42,
                          .spawner_id = 3,
                          .agent_instance_id = "a\"b",
                          .region = "eu",
                          .host = "::1",
                          .port = 7000,
                          .status = "gone",
                          .started_at = "2026-12-06T10:00:00Z",
                          .source = "adopted",
                          .recorded_ms = 5,
                          .ended_ms = 1700000000000};
  std::string json = InstanceJson(instance, "gone");
  EXPECT_NE(json.find(R"("id":"i-42")"), std::string::npos);
  EXPECT_NE(json.find(R"("address":"[::1]:7000")"), std::string::npos);
  EXPECT_NE(json.find(R"("reason":"gone")"), std::string::npos);
  auto back = InstanceFromJson(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id(), "i-42");
  EXPECT_EQ(back->agent_instance_id, "a\"b");
  EXPECT_EQ(back->host, "::1");
  EXPECT_EQ(back->ended_ms, instance.ended_ms);
  EXPECT_FALSE(InstanceFromJson("{}"));
}

TEST(Instance, Ids) {
  EXPECT_EQ(ParseInstanceId("i-17"), 17u);
  EXPECT_FALSE(ParseInstanceId("i-0"));
  EXPECT_FALSE(ParseInstanceId("i-"));
  EXPECT_FALSE(ParseInstanceId("17"));
  EXPECT_FALSE(ParseInstanceId("i-1x"));
}

}  // namespace
}  // namespace sr::game_instances
