// The rules, fed observations by hand.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "alert_rules.h"

namespace sr::alerts {
namespace {

using namespace std::chrono_literals;

SpawnerInfo Spawner(std::uint64_t id, const std::string& region = "eu-west") {
  return SpawnerInfo{id, region, "10.0.0." + std::to_string(id), 7777, "2026-12-01T00:00:00.000Z"};
}

rapidjson::Document Details(const Signal& signal) {
  rapidjson::Document json;
  json.Parse(signal.details.c_str());
  EXPECT_FALSE(json.HasParseError()) << signal.details;
  return json;
}

TEST(SuspectRuleTest, SpawnersGoingSuspectWithinTheWindowShareOneMessage) {
  SuspectRule rule(1000ms);
  EXPECT_TRUE(rule.Evaluate({Spawner(1)}, 0).empty());
  EXPECT_TRUE(rule.Evaluate({Spawner(1), Spawner(2)}, 500).empty());
  Signals signals = rule.Evaluate({Spawner(1), Spawner(2), Spawner(3, "us-east")}, 1000);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(signals[0].key, "spawners_suspect");
  EXPECT_NE(signals[0].summary.find("3 spawners are suspect"), std::string::npos);
  auto details = Details(signals[0]);
  EXPECT_EQ(details["count"].GetUint64(), 3u);
  EXPECT_EQ(details["regions"]["eu-west"].GetUint64(), 2u);
  EXPECT_EQ(details["spawners"].Size(), 3u);
  // Nothing new: silence (the book would not send it anyway).
  EXPECT_TRUE(rule.Evaluate({Spawner(1), Spawner(2), Spawner(3)}, 2000).empty());
}

TEST(SuspectRuleTest, MoreSpawnersJoiningAreNewsAfterAnotherWindow) {
  SuspectRule rule(1000ms);
  rule.Evaluate({Spawner(1)}, 0);
  ASSERT_EQ(rule.Evaluate({Spawner(1)}, 1000).size(), 1u);
  EXPECT_TRUE(rule.Evaluate({Spawner(1), Spawner(2)}, 1500).empty());
  Signals signals = rule.Evaluate({Spawner(1), Spawner(2)}, 2500);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_TRUE(signals[0].news);
  EXPECT_NE(signals[0].summary.find("1 new"), std::string::npos);
  auto details = Details(signals[0]);
  ASSERT_EQ(details["new"].Size(), 1u);
  EXPECT_EQ(details["new"][0].GetUint64(), 2u);
}

TEST(SuspectRuleTest, ResolvesWhenNoSpawnerIsSuspect) {
  SuspectRule rule(0ms);
  ASSERT_EQ(rule.Evaluate({Spawner(1)}, 0).size(), 1u);
  Signals signals = rule.Evaluate({}, 100);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kResolve);
}

TEST(SuspectRuleTest, ASpawnerThatRecoversWithinTheWindowIsNeverAnnounced) {
  SuspectRule rule(1000ms);
  rule.Evaluate({Spawner(1)}, 0);
  Signals signals = rule.Evaluate({}, 500);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kResolve);  // ignored by the book: never fired
  EXPECT_TRUE(rule.Evaluate({}, 1500).size() == 1u);
}

TEST(ExpiryRuleTest, ExpiriesWithinTheWindowMakeOneNotice) {
  ExpiryRule rule(1000ms);
  EXPECT_TRUE(rule.Evaluate(0).empty());
  rule.OnExpired(Spawner(1), 100);
  rule.OnExpired(Spawner(2), 600);
  EXPECT_TRUE(rule.Evaluate(1099).empty());
  Signals signals = rule.Evaluate(1100);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kNotice);
  EXPECT_EQ(signals[0].key, "spawners_expired");
  EXPECT_NE(signals[0].summary.find("2 spawners expired"), std::string::npos);
  EXPECT_NE(signals[0].summary.find("#1 10.0.0.1:7777 (eu-west)"), std::string::npos);
  EXPECT_EQ(Details(signals[0])["count"].GetUint64(), 2u);
  EXPECT_TRUE(rule.Evaluate(5000).empty());
}

TEST(CapacityRuleTest, FiresBelowTheThresholdAndResolvesAbove) {
  CapacityOptions options;
  options.min_free = 5;
  options.per_region = {{"us-east", 0}, {"ap", 20}};
  CapacityRule rule(options);
  Signals signals =
      rule.Evaluate({{"eu-west", 2, 0, 17, 20}, {"us-east", 1, 0, 10, 10}, {"ap", 1, 0, 0, 19}});
  ASSERT_EQ(signals.size(), 2u);  // us-east is not checked
  EXPECT_EQ(signals[0].key, "region_capacity_low:ap");
  EXPECT_EQ(signals[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(signals[1].key, "region_capacity_low:eu-west");
  EXPECT_EQ(signals[1].kind, Signal::Kind::kFire);
  EXPECT_EQ(signals[1].severity, Severity::kWarning);
  EXPECT_NE(signals[1].summary.find("3 free instance slots, below 5"), std::string::npos);
  EXPECT_EQ(Details(signals[1])["free"].GetUint64(), 3u);

  signals = rule.Evaluate({{"eu-west", 2, 0, 15, 20}, {"ap", 1, 0, 0, 19}});
  ASSERT_EQ(signals.size(), 2u);
  EXPECT_EQ(signals[1].kind, Signal::Kind::kResolve);
}

TEST(CapacityRuleTest, ARegionThatLosesEverySpawnerFiresAsCritical) {
  CapacityOptions options;
  options.min_free = 1;
  CapacityRule rule(options);
  ASSERT_EQ(rule.Evaluate({{"eu-west", 1, 0, 0, 10}})[0].kind, Signal::Kind::kResolve);
  Signals signals = rule.Evaluate({});
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(signals[0].severity, Severity::kCritical);
  EXPECT_NE(signals[0].summary.find("no spawners left"), std::string::npos);
}

TEST(ErrorRateRuleTest, ComparesErrorsWithRequestsOverTheWindow) {
  ErrorRateOptions options;
  options.max_percent = 10;
  options.min_requests = 20;
  options.window = 10s;
  ErrorRateRule rule(options);
  EXPECT_EQ(rule.Evaluate({0, 0}, 0)[0].kind, Signal::Kind::kResolve);
  // 5 of 10: above 10 %, but too few requests for a verdict.
  EXPECT_EQ(rule.Evaluate({10, 5}, 1000)[0].kind, Signal::Kind::kResolve);
  Signals signals = rule.Evaluate({40, 8}, 2000);  // 8 of 40 = 20 %
  EXPECT_EQ(signals[0].kind, Signal::Kind::kFire);
  EXPECT_NE(signals[0].summary.find("20.0%"), std::string::npos);
  EXPECT_EQ(Details(signals[0])["errors"].GetUint64(), 8u);
  // 12 s later the window holds only what came after the 2 s sample: 200 requests, 2 errors.
  EXPECT_EQ(rule.Evaluate({240, 10}, 14000)[0].kind, Signal::Kind::kResolve);
}

TEST(ErrorRateRuleTest, ExactlyTheThresholdDoesNotFire) {
  ErrorRateOptions options;
  options.max_percent = 10;
  options.min_requests = 10;
  ErrorRateRule rule(options);
  rule.Evaluate({0, 0}, 0);
  EXPECT_EQ(rule.Evaluate({100, 10}, 1000)[0].kind, Signal::Kind::kResolve);
  EXPECT_EQ(rule.Evaluate({200, 21}, 2000)[0].kind, Signal::Kind::kFire);
}

TEST(ResourceRulesTest, DiskFiresBelowEitherThreshold) {
  DiskOptions options;
  options.min_free_bytes = 1000;
  options.min_free_percent = 10;
  EXPECT_EQ(EvaluateDisk({"/d", 999, 100000}, options)[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(EvaluateDisk({"/d", 5000, 100000}, options)[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(EvaluateDisk({"/d", 10000, 100000}, options)[0].kind, Signal::Kind::kResolve);
  options.min_free_percent = 0;
  Signals signals = EvaluateDisk({"/d", 5000, 100000}, options);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kResolve);
  EXPECT_EQ(signals[0].key, "disk_space_low");
}

TEST(ResourceRulesTest, StoreFiresWithItsErrorWhileUnhealthy) {
  Signals signals = EvaluateStore({false, "disk I/O error"});
  EXPECT_EQ(signals[0].kind, Signal::Kind::kFire);
  EXPECT_EQ(signals[0].severity, Severity::kCritical);
  EXPECT_NE(signals[0].summary.find("disk I/O error"), std::string::npos);
  EXPECT_EQ(EvaluateStore({true, ""})[0].kind, Signal::Kind::kResolve);
}

TEST(AllocationRuleTest, FailuresWithinTheWindowMakeOneNoticeByRegion) {
  AllocationRule rule(1000ms);
  rule.OnFailure({"eu-west", "no free capacity", 503}, 0);
  rule.OnFailure({"eu-west", "no free capacity", 503}, 100);
  rule.OnFailure({"us-east", "spawner timed out", 504}, 200);
  EXPECT_TRUE(rule.Evaluate(999).empty());
  Signals signals = rule.Evaluate(1000);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, Signal::Kind::kNotice);
  EXPECT_NE(signals[0].summary.find("3 allocations failed: eu-west 2, us-east 1"),
            std::string::npos);
  auto details = Details(signals[0]);
  EXPECT_EQ(details["regions"]["eu-west"].GetUint64(), 2u);
  EXPECT_EQ(details["failures"][2]["status"].GetInt(), 504);
  EXPECT_TRUE(rule.Evaluate(5000).empty());
}

TEST(AlertRulesTest, RulesWithoutTheirInputWait) {
  RuleOptions options;
  options.errors = ErrorRateOptions{};
  options.disk = DiskOptions{};
  AlertRules rules(options);
  Observation nothing;
  EXPECT_TRUE(rules.Evaluate(nothing).empty());
  Observation store;
  store.store = StoreStatus{false, "read-only"};
  Signals signals = rules.Evaluate(store);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].key, "store_unavailable");
}

TEST(AlertRulesTest, DisabledRulesStaySilent) {
  RuleOptions options;
  options.expired = false;
  options.store = false;
  options.batch_window = 0ms;
  AlertRules rules(options);
  rules.OnExpired(Spawner(1), 0);
  Observation observation;
  observation.now_ms = 10;
  observation.store = StoreStatus{false, "x"};
  EXPECT_TRUE(rules.Evaluate(observation).empty());
}

}  // namespace
}  // namespace sr::alerts
