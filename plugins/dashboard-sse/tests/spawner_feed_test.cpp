#include "spawner_feed.h"

#include <gtest/gtest.h>

#include <map>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Ids;
using testing::Parse;

// 2026-11-25T21:01:11.123Z
constexpr std::int64_t kSeenMs = 1795640471123;
constexpr std::int64_t kNowMs = kSeenMs + 5000;

struct Spawner {
  std::uint64_t revision = 1;
  std::int64_t last_seen_ms = kSeenMs;
  std::uint32_t max_instances = 10;
  std::uint32_t current_instances = 1;
  std::string status = "idle";
  bool suspect = false;
};

// A directory the test sets; counts visits and reads by id.
class FakeSource final : public SpawnerSource {
 public:
  std::optional<FleetTotals> Totals() override {
    FleetTotals totals{true, spawners.size(), 0, 0, 0, 0};
    for (const auto& [id, spawner] : spawners) totals.suspect += spawner.suspect ? 1 : 0;
    return totals;
  }
  bool Visit(const std::function<void(const SpawnerState&)>& fn) override {
    ++visits;
    for (const auto& [id, spawner] : spawners) fn(State(id));
    return true;
  }
  std::optional<std::string> Get(std::uint64_t id) override {
    ++gets;
    if (spawners.count(id) == 0) return std::nullopt;
    return R"({"id":)" + std::to_string(id) + R"(,"region":"eu-west"})";
  }

  SpawnerState State(std::uint64_t id) const {
    const Spawner& spawner = spawners.at(id);
    return SpawnerState{id,
                        spawner.revision,
                        spawner.last_seen_ms,
                        spawner.max_instances,
                        spawner.current_instances,
                        spawner.status,
                        spawner.suspect};
  }
  // The spawner.updated payload of spawner `id` as it is now.
  std::string Event(std::uint64_t id) const {
    const Spawner& s = spawners.at(id);
    return R"({"id":)" + std::to_string(id) +
           R"(,"region":"eu-west","host":"10.0.0.1","port":7777,"max_instances":)" +
           std::to_string(s.max_instances) + R"(,"current_instances":)" +
           std::to_string(s.current_instances) + R"(,"status":")" + s.status +
           R"(","last_seen":"2026-11-25T21:01:)" +
           std::to_string(11 + (s.last_seen_ms - kSeenMs) / 1000) + R"(.123Z","health":")" +
           (s.suspect ? "suspect" : "healthy") + R"(","revision":)" + std::to_string(s.revision) +
           "}";
  }
  std::string Removed(std::uint64_t id) const {
    return R"({"id":)" + std::to_string(id) + R"(,"reason":"deleted","revision":9,)" +
           R"("spawner":{"id":)" + std::to_string(id) + R"(,"max_instances":3}})";
  }

  std::map<std::uint64_t, Spawner> spawners;
  int visits = 0;
  int gets = 0;
};

TEST(SpawnerFeed, PrimeLearnsTheFleetSoTheFirstTickIsEmpty) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[2] = {};
  SpawnerFeed feed(&source, 77);
  feed.Prime();
  EXPECT_EQ(feed.size(), 2u);
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["epoch"].GetUint64(), 77u);
  EXPECT_EQ(event["base"].GetUint64(), event["version"].GetUint64());
  EXPECT_EQ(event["upserts"].Size(), 0u);
  EXPECT_EQ(event["changes"]["id"].Size(), 0u);
  EXPECT_EQ(event["totals"]["spawners"].GetUint64(), 2u);
}

TEST(SpawnerFeed, AHeartbeatSendsOnlyItsChangedFieldsAndNoVisit) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[2] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  source.spawners[2].revision = 2;
  source.spawners[2].last_seen_ms += 3000;
  source.spawners[2].current_instances = 4;
  ASSERT_TRUE(feed.OnChanged(source.Event(2)));
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["version"].GetUint64(), event["base"].GetUint64() + 1);
  EXPECT_EQ(Ids(event["changes"]["id"]), std::vector<std::uint64_t>{2});
  EXPECT_EQ(event["changes"]["current_instances"][0].GetInt(), 4);
  EXPECT_EQ(event["changes"]["last_seen"][0].GetInt64(), kSeenMs + 3000 - kNowMs);
  EXPECT_FALSE(event["changes"].HasMember("status"));
  EXPECT_FALSE(event["changes"].HasMember("max_instances"));
  EXPECT_EQ(source.visits, 1);  // the prime's only: totals agreed with the mirror
  // Nothing since: an empty delta at the same version.
  auto quiet = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(quiet["base"].GetUint64(), event["version"].GetUint64());
  EXPECT_EQ(quiet["version"].GetUint64(), event["version"].GetUint64());
  EXPECT_EQ(quiet["changes"]["id"].Size(), 0u);
}

TEST(SpawnerFeed, ColumnsHoldNullWhereASpawnerDidNotChangeThatField) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[2] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  source.spawners[1].revision = 2;
  source.spawners[1].status = "busy <b>";
  source.spawners[2].revision = 2;
  source.spawners[2].max_instances = 20;
  feed.OnChanged(source.Event(1));
  feed.OnChanged(source.Event(2));
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(Ids(event["changes"]["id"]), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_STREQ(event["changes"]["status"][0].GetString(), "busy <b>");
  EXPECT_TRUE(event["changes"]["status"][1].IsNull());
  EXPECT_TRUE(event["changes"]["max_instances"][0].IsNull());
  EXPECT_EQ(event["changes"]["max_instances"][1].GetInt(), 20);
}

TEST(SpawnerFeed, AnEventNoNewerThanTheMirrorIsSkipped) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[1].revision = 5;
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  std::string old_event = source.Event(1);
  source.spawners[1].current_instances = 9;  // same revision: already in the snapshot
  feed.OnChanged(source.Event(1));
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["changes"]["id"].Size(), 0u);
  EXPECT_EQ(event["base"].GetUint64(), event["version"].GetUint64());
}

TEST(SpawnerFeed, NewSpawnersGoOutWholeAndRemovalsByIdOnce) {
  FakeSource source;
  source.spawners[1] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  source.spawners[3] = {};
  feed.OnChanged(source.Event(3));  // spawner.registered
  feed.OnRemoved(source.Removed(1));
  source.spawners.erase(1);
  auto event = Parse(feed.Tick(kNowMs));
  ASSERT_EQ(event["upserts"].Size(), 1u);
  EXPECT_EQ(event["upserts"][0]["id"].GetUint64(), 3u);
  EXPECT_STREQ(event["upserts"][0]["region"].GetString(), "eu-west");
  EXPECT_EQ(Ids(event["removed"]), std::vector<std::uint64_t>{1});
  EXPECT_EQ(source.gets, 1);
  auto next = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(next["upserts"].Size(), 0u);
  EXPECT_EQ(next["removed"].Size(), 0u);
}

TEST(SpawnerFeed, ASpawnerTurningSuspectIsFoundByAVisit) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[2] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  source.spawners[2].suspect = true;  // time passed: no event, no new revision
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(source.visits, 2);
  EXPECT_EQ(Ids(event["changes"]["id"]), std::vector<std::uint64_t>{2});
  EXPECT_STREQ(event["changes"]["health"][0].GetString(), "suspect");
  // Its next heartbeat makes it healthy again through the event alone.
  source.spawners[2].suspect = false;
  source.spawners[2].revision = 2;
  feed.OnChanged(source.Event(2));
  auto healed = Parse(feed.Tick(kNowMs));
  EXPECT_STREQ(healed["changes"]["health"][0].GetString(), "healthy");
  EXPECT_EQ(source.visits, 2);
}

TEST(SpawnerFeed, ALostRemovalIsRepairedByTheNextVisit) {
  FakeSource source;
  source.spawners[1] = {};
  source.spawners[2] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  source.spawners.erase(2);  // its spawner.removed never came (a full event queue)
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(Ids(event["removed"]), std::vector<std::uint64_t>{2});
  EXPECT_EQ(feed.size(), 1u);
}

TEST(SpawnerFeed, UnreadablePayloadsAreIgnored) {
  FakeSource source;
  SpawnerFeed feed(&source, 1);
  EXPECT_FALSE(feed.OnChanged("not json"));
  EXPECT_FALSE(feed.OnChanged(R"({"id":1})"));  // no revision, no last_seen
  EXPECT_FALSE(feed.OnRemoved(R"({"reason":"deleted"})"));
  EXPECT_EQ(feed.size(), 0u);
}

TEST(SpawnerFeed, WithoutRegistryEveryTickIsEmptyAndUnavailable) {
  SpawnerFeed feed(nullptr, 5);
  feed.Prime();
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_FALSE(event["available"].GetBool());
  EXPECT_EQ(event["version"].GetUint64(), 0u);
  EXPECT_FALSE(feed.available());
}

TEST(SpawnerFeed, MemoryGrowsWithTheFleetAndStaysSmallPerSpawner) {
  FakeSource source;
  for (std::uint64_t id = 1; id <= 1000; ++id) source.spawners[id] = {};
  SpawnerFeed feed(&source, 1);
  feed.Prime();
  std::size_t bytes = feed.MemoryBytes();
  EXPECT_GT(bytes, 1000u * 64);
  EXPECT_LT(bytes, 1000u * 160);
}

}  // namespace
}  // namespace sr::dashboard
