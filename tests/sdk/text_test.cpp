// sr/text.hpp's JSON escaping (the one escaper of the host and the plugins, and its one rule
// for broken UTF-8) and HTML escaping.
#include <sr/text.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  sr::AppendJsonString(out, text);
  EXPECT_EQ(out.size(), sr::JsonStringSize(text)) << out;
  EXPECT_EQ(out, sr::JsonString(text));
  return out;
}

TEST(JsonEscaping, EscapesWhatJsonAndHtmlNeed) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("\n\r\t\x01\x1f"), "\"\\n\\r\\t\\u0001\\u001f\"");
  EXPECT_EQ(Quoted(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(Quoted("<b>&"), "\"\\u003cb\\u003e\\u0026\"");
  EXPECT_EQ(Quoted("/\x7f"), "\"/\x7f\"");  // neither needs escaping
}

TEST(JsonEscaping, ValidUtf8PassesThrough) {
  EXPECT_EQ(Quoted("é"), "\"é\"");                                // 2 bytes
  EXPECT_EQ(Quoted("€"), "\"€\"");                                // 3 bytes
  EXPECT_EQ(Quoted("\xf0\x9f\x8e\xae"), "\"\xf0\x9f\x8e\xae\"");  // 4 bytes, U+1F3AE
  EXPECT_EQ(Quoted("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");  // U+10FFFF, the last
}

// The rule: each byte that does not begin a valid sequence becomes \ufffd, and the next byte
// is examined afresh.
TEST(JsonEscaping, EachBrokenByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(Quoted("a\xff"
                   "b"),
            "\"a\\ufffdb\"");                // never valid
  EXPECT_EQ(Quoted("\x80"), "\"\\ufffd\"");  // lone continuation
  EXPECT_EQ(Quoted("\xc3"), "\"\\ufffd\"");  // truncated at the end
  EXPECT_EQ(Quoted("\xc3"
                   "a"),
            "\"\\ufffda\"");                                       // truncated in the middle
  EXPECT_EQ(Quoted("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(Quoted("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");  // overlong, 3 bytes
  EXPECT_EQ(Quoted("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate, U+D800
  EXPECT_EQ(Quoted("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
  // The valid sequence after a broken lead byte is kept.
  EXPECT_EQ(Quoted("\xe2\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
}

TEST(JsonEscaping, AppendsInsideQuotesWithoutThem) {
  std::string out = "x";
  sr::AppendJsonEscaped(out, "\"\xff");
  EXPECT_EQ(out, "x\\\"\\ufffd");
  EXPECT_EQ(sr::JsonEscapedSize("\"\xff"), out.size() - 1);
}

TEST(HtmlEscaping, EscapesMarkupAndByDefaultQuotes) {
  EXPECT_EQ(sr::HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(sr::HtmlEscape(""), "");
  EXPECT_EQ(sr::HtmlEscape("plain \xc3\xa9"), "plain \xc3\xa9");
}

TEST(HtmlEscaping, TheMarkupSetLeavesQuotesAlone) {
  EXPECT_EQ(sr::HtmlEscape("<!channel> & \"it's\"", sr::HtmlEscapeSet::kMarkup),
            "&lt;!channel&gt; &amp; \"it's\"");
  EXPECT_EQ(sr::HtmlEscape("&amp;", sr::HtmlEscapeSet::kMarkup), "&amp;amp;");  // not decoded
}

}  // namespace
