#include "download_plan.h"

#include <gtest/gtest.h>

#include "entity_tag.h"

namespace sr::file_distribution {
namespace {

const std::string kTag = StrongEtag("ab12");

TEST(EntityTagTest, StrongTagQuotesTheDigest) { EXPECT_EQ(kTag, "\"sha256-ab12\""); }

TEST(EntityTagTest, IfNoneMatchUsesWeakComparisonOverAList) {
  EXPECT_TRUE(IfNoneMatchMatches(kTag, kTag));
  EXPECT_TRUE(IfNoneMatchMatches("W/" + kTag, kTag));
  EXPECT_TRUE(IfNoneMatchMatches("\"other\", " + kTag, kTag));
  EXPECT_TRUE(IfNoneMatchMatches("\"a,b\",W/" + kTag, kTag));
  EXPECT_TRUE(IfNoneMatchMatches("*", kTag));
  EXPECT_FALSE(IfNoneMatchMatches("\"sha256-ab13\"", kTag));
  EXPECT_FALSE(IfNoneMatchMatches("sha256-ab12", kTag));  // unquoted: malformed
  EXPECT_FALSE(IfNoneMatchMatches("\"sha256-ab12", kTag));
  EXPECT_FALSE(IfNoneMatchMatches("", kTag));
}

TEST(EntityTagTest, IfRangeNeedsTheExactStrongTag) {
  EXPECT_TRUE(IfRangeMatches(kTag, kTag));
  EXPECT_TRUE(IfRangeMatches(" " + kTag + " ", kTag));
  EXPECT_FALSE(IfRangeMatches("W/" + kTag, kTag));
  EXPECT_FALSE(IfRangeMatches("\"sha256-other\"", kTag));
  EXPECT_FALSE(IfRangeMatches("Sun, 06 Nov 1994 08:49:37 GMT", kTag));
}

TEST(DownloadPlanTest, NoConditionsSendsTheWholeFile) {
  DownloadPlan plan = PlanDownload({}, 1000, kTag);
  EXPECT_EQ(plan.status, 200);
  EXPECT_EQ(plan.body.offset, 0u);
  EXPECT_EQ(plan.body.length, 1000u);
}

TEST(DownloadPlanTest, MatchingIfNoneMatchIsNotModifiedEvenWithARange) {
  DownloadConditions conditions{"bytes=0-9", kTag, std::nullopt};
  EXPECT_EQ(PlanDownload(conditions, 1000, kTag).status, 304);
  conditions.if_none_match = "\"old\"";
  EXPECT_EQ(PlanDownload(conditions, 1000, kTag).status, 206);
}

TEST(DownloadPlanTest, RangeGivesPartialContent) {
  DownloadPlan plan = PlanDownload({"bytes=10-19", std::nullopt, std::nullopt}, 1000, kTag);
  EXPECT_EQ(plan.status, 206);
  EXPECT_EQ(plan.body.offset, 10u);
  EXPECT_EQ(plan.body.length, 10u);
  EXPECT_EQ(plan.content_range, "bytes 10-19/1000");
}

TEST(DownloadPlanTest, UnsatisfiableRangeNamesTheSize) {
  DownloadPlan plan = PlanDownload({"bytes=5000-", std::nullopt, std::nullopt}, 1000, kTag);
  EXPECT_EQ(plan.status, 416);
  EXPECT_EQ(plan.content_range, "bytes */1000");
}

TEST(DownloadPlanTest, IfRangeWithAnotherBuildSendsTheWholeFile) {
  DownloadPlan stale = PlanDownload({"bytes=10-", std::nullopt, "\"sha256-old\""}, 1000, kTag);
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body.length, 1000u);
  // Also when the range could not be satisfied against the new file.
  EXPECT_EQ(PlanDownload({"bytes=5000-", std::nullopt, "\"sha256-old\""}, 1000, kTag).status, 200);
  EXPECT_EQ(PlanDownload({"bytes=10-", std::nullopt, kTag}, 1000, kTag).status, 206);
}

TEST(DownloadPlanTest, SeveralRangesSendTheWholeFile) {
  EXPECT_EQ(PlanDownload({"bytes=0-1,4-5", std::nullopt, std::nullopt}, 1000, kTag).status, 200);
}

}  // namespace
}  // namespace sr::file_distribution
