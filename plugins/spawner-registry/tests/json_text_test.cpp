#include "json_text.h"

#include <gtest/gtest.h>

namespace sr::spawner_registry {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(SpawnerRegistryJsonTextTest, EscapesWhatJsonAndHtmlNeed) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("\n\t\x01"), "\"\\n\\t\\u0001\"");
  EXPECT_EQ(Quoted("<b>&"), "\"\\u003cb\\u003e\\u0026\"");
  EXPECT_EQ(Quoted("é"), "\"é\"");  // UTF-8 passes through
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
