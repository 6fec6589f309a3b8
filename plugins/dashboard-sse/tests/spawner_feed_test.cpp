#include "spawner_feed.h"

#include <gtest/gtest.h>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Ids;
using testing::ListJson;
using testing::Parse;
using testing::SpawnerJson;

constexpr std::int64_t kNowMs = 1795640476123;

// A directory whose list and totals the test sets; counts how often the list is read.
class FakeSource final : public SpawnerSource {
 public:
  std::optional<FleetTotals> Totals() override { return totals; }
  bool Snapshot(const std::function<void(std::string_view, std::uint64_t)>& fn) override {
    ++snapshots;
    fn(list, list_version);
    return true;
  }
  void Set(const std::vector<std::string>& spawners, std::uint64_t version,
           std::uint64_t suspect = 0) {
    list = ListJson(spawners);
    list_version = version;
    totals =
        FleetTotals{true, spawners.size(), suspect, spawners.size(), spawners.size() * 10, version};
  }

  std::string list = "[]";
  std::uint64_t list_version = 0;
  FleetTotals totals{true, 0, 0, 0, 0, 0};
  int snapshots = 0;
};

TEST(SpawnerFeed, PrimeLearnsTheListSoTheFirstTickIsSmall) {
  FakeSource source;
  source.Set({SpawnerJson(1), SpawnerJson(2)}, 10);
  SpawnerFeed feed(&source, 77);
  feed.Prime(kNowMs);
  EXPECT_EQ(feed.version(), 10u);
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["epoch"].GetUint64(), 77u);
  EXPECT_EQ(event["base"].GetUint64(), 10u);
  EXPECT_EQ(event["version"].GetUint64(), 10u);
  EXPECT_EQ(event["upserts"].Size(), 0u);
  EXPECT_EQ(event["totals"]["spawners"].GetUint64(), 2u);
}

TEST(SpawnerFeed, ReadsTheListOnlyWhenTotalsMoved) {
  FakeSource source;
  source.Set({SpawnerJson(1)}, 10);
  SpawnerFeed feed(&source, 1);
  feed.Prime(kNowMs);
  int after_prime = source.snapshots;
  feed.Tick(kNowMs);
  feed.Tick(kNowMs);
  EXPECT_EQ(source.snapshots, after_prime);

  source.Set({SpawnerJson(1), SpawnerJson(2)}, 11);
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(source.snapshots, after_prime + 1);
  EXPECT_EQ(event["base"].GetUint64(), 10u);
  EXPECT_EQ(event["version"].GetUint64(), 11u);
  EXPECT_EQ(Ids(event["upserts"]), std::vector<std::uint64_t>({2}));
  EXPECT_EQ(feed.version(), 11u);
}

TEST(SpawnerFeed, SuspectTransitionWithoutVersionChangeIsNoticed) {
  FakeSource source;
  source.Set({SpawnerJson(1)}, 10);
  SpawnerFeed feed(&source, 1);
  feed.Prime(kNowMs);
  // Health is computed from time: the version stays, the suspect count moves.
  source.Set({SpawnerJson(1, 1, "suspect")}, 10, 1);
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["base"].GetUint64(), 10u);
  EXPECT_EQ(event["version"].GetUint64(), 10u);
  EXPECT_EQ(Ids(event["changes"]["id"]), std::vector<std::uint64_t>({1}));
  EXPECT_STREQ(event["changes"]["health"][0].GetString(), "suspect");
}

TEST(SpawnerFeed, ConsecutiveDeltasChain) {
  FakeSource source;
  SpawnerFeed feed(&source, 1);
  feed.Prime(kNowMs);
  std::uint64_t previous = feed.version();
  for (std::uint64_t version = 1; version <= 5; ++version) {
    std::vector<std::string> spawners;
    for (std::uint64_t id = 1; id <= version; ++id) spawners.push_back(SpawnerJson(id));
    source.Set(spawners, version * 3);
    auto event = Parse(feed.Tick(kNowMs));
    EXPECT_EQ(event["base"].GetUint64(), previous);
    previous = event["version"].GetUint64();
    EXPECT_EQ(event["upserts"].Size(), 1u);
  }
}

TEST(SpawnerFeed, WithoutRegistryEveryTickIsEmptyAndUnavailable) {
  SpawnerFeed feed(nullptr, 5);
  feed.Prime(kNowMs);
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_FALSE(event["available"].GetBool());
  EXPECT_EQ(event["version"].GetUint64(), 0u);
  EXPECT_EQ(event["upserts"].Size(), 0u);
  EXPECT_FALSE(feed.available());
}

TEST(SpawnerFeed, UnreadableListKeepsVersionsInStep) {
  FakeSource source;
  source.Set({SpawnerJson(1)}, 10);
  SpawnerFeed feed(&source, 1);
  feed.Prime(kNowMs);
  source.list = "not json";
  source.totals.version = 11;
  auto event = Parse(feed.Tick(kNowMs));
  EXPECT_EQ(event["base"].GetUint64(), 10u);
  EXPECT_EQ(event["version"].GetUint64(), 10u);
  EXPECT_EQ(event["upserts"].Size(), 0u);
}

}  // namespace
}  // namespace sr::dashboard
