#include "json_text.h"

#include <gtest/gtest.h>

namespace sr::spawner_registry {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string Time(std::int64_t ms) {
  std::string out;
  AppendRfc3339Millis(out, ms);
  return out;
}

TEST(SpawnerRegistryJsonTextTest, EscapesWhatJsonAndHtmlNeed) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("\n\t\x01"), "\"\\n\\t\\u0001\"");
  EXPECT_EQ(Quoted("<b>&"), "\"\\u003cb\\u003e\\u0026\"");
  EXPECT_EQ(Quoted("é"), "\"é\"");  // UTF-8 passes through
}

TEST(SpawnerRegistryJsonTextTest, FormatsRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(Time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Time(1795640471123), "2026-11-25T21:01:11.123Z");
  EXPECT_EQ(Time(1709164800000), "2024-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(Time(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(Time(-1), "1969-12-31T23:59:59.999Z");
}

TEST(SpawnerRegistryJsonTextTest, WritesIntegers) {
  std::string out;
  AppendUnsigned(out, 18446744073709551615u);
  out += ' ';
  AppendSigned(out, -42);
  EXPECT_EQ(out, "18446744073709551615 -42");
}

}  // namespace
}  // namespace sr::spawner_registry
