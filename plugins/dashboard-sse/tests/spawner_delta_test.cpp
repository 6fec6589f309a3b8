#include "spawner_delta.h"

#include <gtest/gtest.h>

#include "json_test_util.h"

namespace sr::dashboard {
namespace {

using testing::Ids;
using testing::ListJson;
using testing::Parse;
using testing::SpawnerJson;

// 2026-11-25T21:01:11.123Z
constexpr std::int64_t kSeenMs = 1795640471123;
constexpr std::int64_t kNowMs = kSeenMs + 5000;

TEST(SpawnerDelta, FirstListIsAllUpserts) {
  SpawnerDeltaTracker tracker;
  auto delta = tracker.Update(ListJson({SpawnerJson(1), SpawnerJson(2)}), 5, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->base, 0u);
  EXPECT_EQ(delta->version, 5u);
  EXPECT_EQ(delta->upserts.size(), 2u);
  EXPECT_TRUE(delta->changes.ids.empty());
  EXPECT_TRUE(delta->removed.empty());
  EXPECT_EQ(tracker.size(), 2u);
  EXPECT_EQ(tracker.version(), 5u);
  // Whole objects survive the round trip field for field.
  EXPECT_EQ(Parse(delta->upserts[0]), Parse(SpawnerJson(1)));
}

TEST(SpawnerDelta, KnownSpawnersSendOnlyTheirChangedFields) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(1), SpawnerJson(2), SpawnerJson(3)}), 5, kNowMs);
  auto delta =
      tracker.Update(ListJson({SpawnerJson(1), SpawnerJson(3, 7), SpawnerJson(4)}), 9, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->base, 5u);
  EXPECT_EQ(delta->version, 9u);
  ASSERT_EQ(delta->upserts.size(), 1u);  // the new one, whole
  EXPECT_EQ(Parse(delta->upserts[0])["id"].GetUint64(), 4u);
  EXPECT_EQ(delta->changes.ids, std::vector<std::uint64_t>({3}));
  ASSERT_EQ(delta->changes.fields.size(), 1u);
  EXPECT_EQ(delta->changes.fields.at("current_instances")[0], "7");
  EXPECT_EQ(delta->removed, std::vector<std::uint64_t>({2}));
}

TEST(SpawnerDelta, HeartbeatsBecomeTimeOffsetsInColumns) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(1), SpawnerJson(2), SpawnerJson(3)}), 1, kNowMs);
  auto delta = tracker.Update(
      ListJson({SpawnerJson(1, 1, "healthy", "eu-west", "2026-11-25T21:01:14.123Z"), SpawnerJson(2),
                SpawnerJson(3, 4, "healthy", "eu-west", "2026-11-25T21:01:15.623Z")}),
      2, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_TRUE(delta->upserts.empty());
  EXPECT_EQ(delta->time_base_ms, kNowMs);
  EXPECT_EQ(delta->changes.ids, std::vector<std::uint64_t>({1, 3}));
  const auto& seen = delta->changes.fields.at("last_seen");
  EXPECT_EQ(seen[0], "-2000");  // 3 s after kSeenMs, 5 s before now
  EXPECT_EQ(seen[1], "-500");
  const auto& current = delta->changes.fields.at("current_instances");
  EXPECT_FALSE(current[0]);  // spawner 1 kept its count
  EXPECT_EQ(current[1], "4");
}

TEST(SpawnerDelta, UnchangedListIsAnEmptyDelta) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(1)}), 5, kNowMs);
  auto delta = tracker.Update(ListJson({SpawnerJson(1)}), 6, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_TRUE(delta->upserts.empty());
  EXPECT_TRUE(delta->changes.ids.empty());
  EXPECT_TRUE(delta->removed.empty());
  EXPECT_EQ(delta->base, 5u);
  EXPECT_EQ(delta->version, 6u);
}

TEST(SpawnerDelta, AChangedShapeOrAnOddTimeSendsTheWholeObject) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(1), SpawnerJson(2)}), 1, kNowMs);
  auto delta = tracker.Update(
      ListJson({R"({"id":1,"region":"x"})", SpawnerJson(2, 1, "healthy", "eu-west", "yesterday")}),
      2, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->upserts.size(), 2u);
  EXPECT_TRUE(delta->changes.ids.empty());
}

TEST(SpawnerDelta, RemovedIdsAreSorted) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(9), SpawnerJson(3), SpawnerJson(5)}), 1, kNowMs);
  auto delta = tracker.Update("[]", 2, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->removed, std::vector<std::uint64_t>({3, 5, 9}));
  EXPECT_EQ(tracker.size(), 0u);
}

TEST(SpawnerDelta, CountsSuspectSpawners) {
  SpawnerDeltaTracker tracker;
  tracker.Update(
      ListJson({SpawnerJson(1, 1, "suspect"), SpawnerJson(2), SpawnerJson(3, 1, "suspect")}), 1,
      kNowMs);
  EXPECT_EQ(tracker.suspect(), 2u);
}

TEST(SpawnerDelta, MalformedListsLeaveTheKnownListAlone) {
  SpawnerDeltaTracker tracker;
  tracker.Update(ListJson({SpawnerJson(1)}), 3, kNowMs);
  for (const char* bad : {"", "{}", "[1]", R"([{"region":"x"}])", R"([{"id":-1}])",
                          R"([{"id":"1"}])", "[{\"id\":1}"}) {
    EXPECT_FALSE(tracker.Update(bad, 4, kNowMs)) << bad;
  }
  EXPECT_EQ(tracker.version(), 3u);
  EXPECT_EQ(tracker.size(), 1u);
}

TEST(SpawnerDelta, StringsWithMarkupSurviveUnchanged) {
  SpawnerDeltaTracker tracker;
  std::string hostile = SpawnerJson(1, 1, "healthy", "<img src=x onerror=alert(1)>");
  auto delta = tracker.Update(ListJson({hostile}), 1, kNowMs);
  ASSERT_TRUE(delta);
  EXPECT_STREQ(Parse(delta->upserts[0])["region"].GetString(), "<img src=x onerror=alert(1)>");
}

TEST(ParseRfc3339Utc, ReadsMillisecondsAndPlainSeconds) {
  EXPECT_EQ(ParseRfc3339Utc("2026-11-25T21:01:11.123Z"), kSeenMs);
  EXPECT_EQ(ParseRfc3339Utc("2026-11-25T21:01:11Z"), kSeenMs - 123);
  EXPECT_EQ(ParseRfc3339Utc("1970-01-01T00:00:00.5Z"), 500);
  EXPECT_EQ(ParseRfc3339Utc("1970-01-01T00:00:00.123456Z"), 123);
  for (const char* bad :
       {"", "2026-11-25", "2026-11-25T21:01:11.123+01:00", "2026-13-25T21:01:11Z",
        "2026-02-30T21:01:11Z", "2026-11-25T21:01:11.Z", "2026-11-25 21:01:11Z"}) {
    EXPECT_FALSE(ParseRfc3339Utc(bad)) << bad;
  }
}

TEST(SpawnerDeltaJson, CarriesVersionsUpsertsColumnsRemovalsAndTotals) {
  SpawnerDelta delta;
  delta.base = 4;
  delta.version = 7;
  delta.time_base_ms = 1000;
  delta.upserts = {SpawnerJson(2)};
  delta.changes.ids = {5, 6};
  delta.changes.fields["last_seen"] = {std::string("-10"), std::nullopt};
  delta.changes.fields["status"] = {std::nullopt, std::string("\"busy\"")};
  delta.removed = {1, 3};
  FleetTotals totals{true, 10, 2, 30, 100, 7};
  auto json = Parse(SpawnerDeltaJson(delta, totals, 1234));
  EXPECT_EQ(json["epoch"].GetUint64(), 1234u);
  EXPECT_TRUE(json["available"].GetBool());
  EXPECT_EQ(json["version"].GetUint64(), 7u);
  EXPECT_EQ(json["base"].GetUint64(), 4u);
  EXPECT_EQ(json["time_base"].GetInt64(), 1000);
  EXPECT_EQ(Ids(json["upserts"]), std::vector<std::uint64_t>({2}));
  EXPECT_EQ(Ids(json["changes"]["id"]), std::vector<std::uint64_t>({5, 6}));
  EXPECT_EQ(json["changes"]["last_seen"][0].GetInt(), -10);
  EXPECT_TRUE(json["changes"]["last_seen"][1].IsNull());
  EXPECT_TRUE(json["changes"]["status"][0].IsNull());
  EXPECT_STREQ(json["changes"]["status"][1].GetString(), "busy");
  EXPECT_EQ(Ids(json["removed"]), std::vector<std::uint64_t>({1, 3}));
  EXPECT_EQ(json["totals"]["spawners"].GetUint64(), 10u);
  EXPECT_EQ(json["totals"]["suspect"].GetUint64(), 2u);
  EXPECT_EQ(json["totals"]["current_instances"].GetUint64(), 30u);
  EXPECT_EQ(json["totals"]["max_instances"].GetUint64(), 100u);
}

}  // namespace
}  // namespace sr::dashboard
