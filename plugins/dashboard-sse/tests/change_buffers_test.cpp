#include "change_buffers.h"

#include <gtest/gtest.h>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Ids;
using testing::Parse;
using testing::SpawnerJson;

TEST(ParseObjectId, ReadsUnsignedIds) {
  EXPECT_EQ(ParseObjectId(R"({"id":42,"reason":"deleted"})"), 42u);
  EXPECT_FALSE(ParseObjectId(R"({"id":"42"})"));
  EXPECT_FALSE(ParseObjectId(R"({"id":-1})"));
  EXPECT_FALSE(ParseObjectId("[1]"));
  EXPECT_FALSE(ParseObjectId("garbage"));
}

TEST(SpawnerChangeBuffer, NothingGatheredIsNoEvent) {
  SpawnerChangeBuffer buffer(10);
  EXPECT_FALSE(buffer.Take(1));
}

TEST(SpawnerChangeBuffer, LastWordPerSpawnerWins) {
  SpawnerChangeBuffer buffer(10);
  EXPECT_TRUE(buffer.AddRegistered(SpawnerJson(1)));
  EXPECT_TRUE(buffer.AddRegistered(SpawnerJson(2)));
  EXPECT_TRUE(buffer.AddRemoved(R"({"id":1,"reason":"deleted"})"));
  EXPECT_TRUE(buffer.AddRemoved(R"({"id":3,"reason":"expired"})"));
  auto event = buffer.Take(9);
  ASSERT_TRUE(event);
  auto json = Parse(*event);
  EXPECT_EQ(json["epoch"].GetUint64(), 9u);
  EXPECT_EQ(Ids(json["upserts"]), std::vector<std::uint64_t>({2}));
  EXPECT_EQ(Ids(json["removed"]), std::vector<std::uint64_t>({1, 3}));
  EXPECT_FALSE(buffer.Take(9));  // taken
}

TEST(SpawnerChangeBuffer, IgnoresPayloadsWithoutId) {
  SpawnerChangeBuffer buffer(10);
  EXPECT_FALSE(buffer.AddRegistered("{}"));
  EXPECT_FALSE(buffer.AddRemoved("nope"));
  EXPECT_FALSE(buffer.Take(1));
}

TEST(SpawnerChangeBuffer, BurstBeyondTheLimitIsLeftToTheDelta) {
  SpawnerChangeBuffer buffer(3);
  for (std::uint64_t id = 1; id <= 5; ++id) buffer.AddRegistered(SpawnerJson(id));
  EXPECT_FALSE(buffer.Take(1));
  // The next window starts afresh.
  buffer.AddRegistered(SpawnerJson(6));
  auto event = buffer.Take(1);
  ASSERT_TRUE(event);
  EXPECT_EQ(Ids(Parse(*event)["upserts"]), std::vector<std::uint64_t>({6}));
}

TEST(ErrorEventBuffer, GathersErrorsOldestFirst) {
  ErrorEventBuffer buffer(10);
  EXPECT_FALSE(buffer.Take());
  EXPECT_TRUE(buffer.Add(R"({"sequence":1,"status":404})"));
  EXPECT_TRUE(buffer.Add(R"({"sequence":2,"status":500})"));
  auto event = buffer.Take();
  ASSERT_TRUE(event);
  auto json = Parse(*event);
  ASSERT_EQ(json["errors"].Size(), 2u);
  EXPECT_EQ(json["errors"][0]["sequence"].GetInt(), 1);
  EXPECT_EQ(json["dropped"].GetUint64(), 0u);
  EXPECT_FALSE(buffer.Take());
}

TEST(ErrorEventBuffer, KeepsTheNewestAndCountsDropped) {
  ErrorEventBuffer buffer(2);
  for (int i = 1; i <= 5; ++i) buffer.Add(R"({"sequence":)" + std::to_string(i) + "}");
  auto json = Parse(*buffer.Take());
  ASSERT_EQ(json["errors"].Size(), 2u);
  EXPECT_EQ(json["errors"][0]["sequence"].GetInt(), 4);
  EXPECT_EQ(json["errors"][1]["sequence"].GetInt(), 5);
  EXPECT_EQ(json["dropped"].GetUint64(), 3u);
}

TEST(ErrorEventBuffer, RefusesPayloadsThatAreNotObjects) {
  ErrorEventBuffer buffer(2);
  EXPECT_FALSE(buffer.Add("]"));
  EXPECT_FALSE(buffer.Add("[1]"));
  EXPECT_FALSE(buffer.Take());
}

}  // namespace
}  // namespace sr::dashboard
