// De-duplication, repeats, resolution, notices and the JSON of GET /api/alerts.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "alert_book.h"

namespace sr::alerts {
namespace {

using namespace std::chrono_literals;

Signal Fire(const std::string& key, bool news = false) {
  Signal signal;
  signal.kind = Signal::Kind::kFire;
  signal.key = key;
  signal.name = key;
  signal.summary = "fire " + key;
  signal.news = news;
  return signal;
}

Signal Resolve(const std::string& key) {
  Signal signal = Fire(key);
  signal.kind = Signal::Kind::kResolve;
  signal.summary = "resolved " + key;
  return signal;
}

AlertBookOptions Options(std::chrono::milliseconds repeat = 10s) {
  AlertBookOptions options;
  options.repeat_interval = repeat;
  options.history = 5;
  options.webhooks = {"ops"};
  return options;
}

TEST(AlertBookTest, AFiringAlertIsSentOnceUntilItResolves) {
  AlertBook book(Options());
  auto first = book.Apply({Fire("a")}, 1000);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].resolved);
  EXPECT_FALSE(first[0].repeat);
  EXPECT_EQ(first[0].id, 1u);
  EXPECT_TRUE(book.Apply({Fire("a")}, 2000).empty());
  EXPECT_TRUE(book.Apply({Fire("a")}, 9000).empty());
  EXPECT_EQ(book.ActiveCount(), 1u);

  auto resolved = book.Apply({Resolve("a")}, 9500);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_TRUE(resolved[0].resolved);
  EXPECT_EQ(resolved[0].since_ms, 1000);
  EXPECT_EQ(book.ActiveCount(), 0u);
  // Resolving what is not firing sends nothing; firing again is a new alert.
  EXPECT_TRUE(book.Apply({Resolve("a")}, 9600).empty());
  auto again = book.Apply({Fire("a")}, 9700);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].repeat);
}

TEST(AlertBookTest, AFiringAlertIsRepeatedAfterTheRepeatIntervalOrWithNews) {
  AlertBook book(Options(10s));
  book.Apply({Fire("a")}, 0);
  EXPECT_TRUE(book.Apply({Fire("a")}, 9999).empty());
  auto repeated = book.Apply({Fire("a")}, 10000);
  ASSERT_EQ(repeated.size(), 1u);
  EXPECT_TRUE(repeated[0].repeat);
  EXPECT_EQ(repeated[0].since_ms, 0);
  EXPECT_TRUE(book.Apply({Fire("a")}, 15000).empty());
  auto news = book.Apply({Fire("a", true)}, 15001);
  ASSERT_EQ(news.size(), 1u);
  EXPECT_TRUE(news[0].repeat);
}

TEST(AlertBookTest, ARepeatIntervalOfZeroNeverRepeats) {
  AlertBook book(Options(0ms));
  book.Apply({Fire("a")}, 0);
  EXPECT_TRUE(book.Apply({Fire("a")}, 1000000000).empty());
}

TEST(AlertBookTest, NoticesAreAlwaysSentAndNeverActive) {
  AlertBook book(Options());
  Signal notice = Fire("n");
  notice.kind = Signal::Kind::kNotice;
  EXPECT_EQ(book.Apply({notice}, 0).size(), 1u);
  EXPECT_EQ(book.Apply({notice}, 1).size(), 1u);
  EXPECT_EQ(book.ActiveCount(), 0u);
}

TEST(AlertBookTest, JsonListsActiveAlertsAndRecentMessagesWithDeliveries) {
  AlertBook book(Options());
  book.Apply({Fire("a"), Fire("b")}, 1000);
  book.Apply({Resolve("a")}, 2000);
  Delivery delivery;
  delivery.state = Delivery::State::kDelivered;
  delivery.attempts = 2;
  delivery.last_status = 200;
  book.SetDelivery(3, 0, delivery);

  rapidjson::Document json;
  json.Parse(book.Json(10).c_str());
  ASSERT_FALSE(json.HasParseError());
  ASSERT_EQ(json["active"].Size(), 1u);
  EXPECT_STREQ(json["active"][0]["key"].GetString(), "b");
  EXPECT_STREQ(json["active"][0]["state"].GetString(), "firing");
  ASSERT_EQ(json["recent"].Size(), 3u);
  const auto& newest = json["recent"][0];
  EXPECT_EQ(newest["id"].GetUint64(), 3u);
  EXPECT_STREQ(newest["state"].GetString(), "resolved");
  EXPECT_STREQ(newest["time"].GetString(), "1970-01-01T00:00:02.000Z");
  ASSERT_EQ(newest["deliveries"].Size(), 1u);
  EXPECT_STREQ(newest["deliveries"][0]["webhook"].GetString(), "ops");
  EXPECT_STREQ(newest["deliveries"][0]["state"].GetString(), "delivered");
  EXPECT_EQ(newest["deliveries"][0]["attempts"].GetInt(), 2);
  EXPECT_STREQ(json["recent"][1]["deliveries"][0]["state"].GetString(), "queued");

  rapidjson::Document limited;
  limited.Parse(book.Json(1).c_str());
  EXPECT_EQ(limited["recent"].Size(), 1u);
}

TEST(AlertBookTest, HistoryIsBounded) {
  AlertBook book(Options());
  Signal notice = Fire("n");
  notice.kind = Signal::Kind::kNotice;
  for (int i = 0; i < 20; ++i) book.Apply({notice}, i);
  rapidjson::Document json;
  json.Parse(book.Json(100).c_str());
  ASSERT_EQ(json["recent"].Size(), 5u);
  EXPECT_EQ(json["recent"][0]["id"].GetUint64(), 20u);
  // A delivery for a message no longer kept is ignored.
  book.SetDelivery(1, 0, Delivery{});
}

}  // namespace
}  // namespace sr::alerts
