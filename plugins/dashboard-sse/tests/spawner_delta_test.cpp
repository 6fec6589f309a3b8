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
