// The body posted to webhooks: the generic fields, Slack's "text" and Discord's "content".
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "text_format.h"
#include "webhook_body.h"

namespace sr::alerts {
namespace {

Notification Sample() {
  Notification n;
  n.id = 7;
  n.key = "region_capacity_low:eu-west";
  n.name = "region_capacity_low";
  n.severity = Severity::kCritical;
  n.summary = "Region <!channel> & @everyone has 0 free instance slots";
  n.details = R"({"region":"eu-west","free":0})";
  n.time_ms = 1764979200000;
  n.since_ms = 1764979100000;
  return n;
}

TEST(WebhookBodyTest, HoldsTheGenericFieldsAndTheChatFields) {
  rapidjson::Document body;
  std::string text = WebhookBody(Sample(), "registry-1");
  body.Parse(text.c_str());
  ASSERT_FALSE(body.HasParseError()) << text;
  EXPECT_EQ(body["id"].GetUint64(), 7u);
  EXPECT_STREQ(body["alert"].GetString(), "region_capacity_low");
  EXPECT_STREQ(body["key"].GetString(), "region_capacity_low:eu-west");
  EXPECT_STREQ(body["severity"].GetString(), "critical");
  EXPECT_STREQ(body["state"].GetString(), "firing");
  EXPECT_STREQ(body["time"].GetString(), "2025-12-06T00:00:00.000Z");
  EXPECT_STREQ(body["source"].GetString(), "registry-1");
  EXPECT_EQ(body["details"]["free"].GetInt(), 0);
  // Slack: markup characters are entities, so "<!channel>" notifies nobody.
  EXPECT_STREQ(body["text"].GetString(),
               "[FIRING] critical region_capacity_low: Region &lt;!channel&gt; &amp; @everyone "
               "has 0 free instance slots (registry-1)");
  // Discord: the plain line, and no mention is ever parsed.
  EXPECT_STREQ(body["content"].GetString(),
               "[FIRING] critical region_capacity_low: Region <!channel> & @everyone has 0 free "
               "instance slots (registry-1)");
  EXPECT_EQ(body["allowed_mentions"]["parse"].Size(), 0u);
}

TEST(WebhookBodyTest, AResolvedMessageSaysSo) {
  Notification n = Sample();
  n.resolved = true;
  n.summary = "Region eu-west has 9 free slots again";
  rapidjson::Document body;
  body.Parse(WebhookBody(n, "").c_str());
  EXPECT_STREQ(body["state"].GetString(), "resolved");
  EXPECT_STREQ(body["text"].GetString(),
               "[RESOLVED] region_capacity_low: Region eu-west has 9 free slots again");
}

TEST(WebhookBodyTest, LongTextIsCutAtACharacterBoundary) {
  Notification n = Sample();
  n.summary.clear();
  for (int i = 0; i < 2000; ++i) n.summary += "\xC3\xA9";  // é, two bytes
  rapidjson::Document body;
  body.Parse(WebhookBody(n, "").c_str());
  ASSERT_FALSE(body.HasParseError());
  std::string content = body["content"].GetString();
  EXPECT_LE(content.size(), 1900u);
  EXPECT_EQ(content.substr(content.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(Truncate("abc", 3), "abc");
  EXPECT_EQ(Truncate("\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xE2\x80\xA6");
}

TEST(TextFormatTest, BytesPercentAndLists) {
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(200ull << 30), "200 GiB");
  EXPECT_EQ(FormatPercent(1, 8), "12.5%");
  EXPECT_EQ(JoinSome({"a", "b", "c"}, 2), "a, b and 1 more");
  EXPECT_EQ(Count(1, "spawner", "spawners"), "1 spawner");
}

}  // namespace
}  // namespace sr::alerts
