#include "http/request_head.h"

#include <gtest/gtest.h>

namespace sr::host {
namespace {

HeadParseResult Parse(std::string_view text, RequestHead& head, size_t limit = 16384) {
  HeadLimits limits;
  limits.max_head_bytes = limit;
  return ParseRequestHead(text, limits, head);
}

TEST(RequestHead, ParsesRequestLineHeadersAndQuery) {
  RequestHead head;
  auto result =
      Parse("GET /api/spawners/7?x=1&y=%20 HTTP/1.1\r\nHost: a\r\nX-Api-Key: k\r\n\r\nrest", head);
  ASSERT_EQ(result.status, ParseStatus::kComplete);
  EXPECT_EQ(result.consumed, std::string_view("GET /api/spawners/7?x=1&y=%20 HTTP/1.1\r\nHost: "
                                              "a\r\nX-Api-Key: k\r\n\r\n")
                                 .size());
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.path(), "/api/spawners/7");
  EXPECT_EQ(head.query, "x=1&y=%20");
  ASSERT_NE(head.Find("x-api-key"), nullptr);
  EXPECT_EQ(*head.Find("X-API-KEY"), "k");
  EXPECT_TRUE(head.keep_alive);
}

TEST(RequestHead, IncompleteUntilTheBlankLine) {
  RequestHead head;
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n", head).status, ParseStatus::kIncomplete);
  EXPECT_EQ(Parse("GE", head).status, ParseStatus::kIncomplete);
}

TEST(RequestHead, Http11NeedsExactlyOneHost) {
  RequestHead head;
  auto missing = Parse("GET / HTTP/1.1\r\nX: y\r\n\r\n", head);
  EXPECT_EQ(missing.status, ParseStatus::kError);
  EXPECT_EQ(missing.error_status, 400);
  EXPECT_EQ(missing.error, "an HTTP/1.1 request needs a Host header");
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", head).error_status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", head).error_status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", head).status, ParseStatus::kComplete);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nhOsT: a\r\n\r\n", head).status, ParseStatus::kComplete);
}

TEST(RequestHead, TooLargeHeadIs431) {
  RequestHead head;
  std::string big = "GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(2000, 'a');
  auto result = Parse(big, head, 1024);
  EXPECT_EQ(result.status, ParseStatus::kError);
  EXPECT_EQ(result.error_status, 431);
}

TEST(RequestHead, RejectsMalformedInput) {
  const char* cases[] = {
      "GET\r\n\r\n",
      "GET / HTTP/1.1 extra\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET relative HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\n folded: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n",
      "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /a/../b HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /a/%2e%2e/b HTTP/1.1\r\nHost: t\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 12x\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nX: a\x01b\r\n\r\n",
      "GET / FTP/1.0\r\n\r\n",
  };
  for (const char* text : cases) {
    RequestHead head;
    auto result = Parse(text, head);
    EXPECT_EQ(result.status, ParseStatus::kError) << text;
    EXPECT_EQ(result.error_status, 400) << text;
  }
}

TEST(RequestHead, VersionsAndCodings) {
  RequestHead head;
  EXPECT_EQ(Parse("GET / HTTP/2.0\r\n\r\n", head).error_status, 505);
  EXPECT_EQ(
      Parse("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", head).error_status,
      501);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n\r\n", head).error_status, 417);
}

TEST(RequestHead, ConnectionSemantics) {
  RequestHead head;
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", head).status,
            ParseStatus::kComplete);
  EXPECT_FALSE(head.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", head).status, ParseStatus::kComplete);
  EXPECT_FALSE(head.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", head).status,
            ParseStatus::kComplete);
  EXPECT_TRUE(head.keep_alive);
  ASSERT_EQ(
      Parse("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", head)
          .status,
      ParseStatus::kComplete);
  EXPECT_TRUE(head.expect_continue);
  EXPECT_EQ(head.content_length, 3u);
}

TEST(RequestHead, AbsoluteFormAndLeadingBlankLines) {
  RequestHead head;
  ASSERT_EQ(Parse("\r\nGET http://example.com/health?a=b HTTP/1.1\r\nHost: t\r\n\r\n", head).status,
            ParseStatus::kComplete);
  EXPECT_EQ(head.path(), "/health");
  EXPECT_EQ(head.query, "a=b");
}

TEST(RequestHead, AbsoluteFormWithoutAPathNamesTheRoot) {
  RequestHead head;
  ASSERT_EQ(Parse("GET http://example.com HTTP/1.1\r\nHost: t\r\n\r\n", head).status,
            ParseStatus::kComplete);
  EXPECT_EQ(head.raw_path(), "/");
  EXPECT_EQ(head.path(), "/");
  EXPECT_EQ(head.query, "");
}

TEST(RequestHead, PathIsDecodedOnlyWhenItHoldsAnEscape) {
  RequestHead head;
  ASSERT_FALSE(head.SetTarget("/api/spawners/1234/heartbeat?x=%41#frag"));
  EXPECT_EQ(head.raw_path(), "/api/spawners/1234/heartbeat");
  EXPECT_EQ(head.path(), "/api/spawners/1234/heartbeat");
  EXPECT_EQ(head.path().data(), head.target.data());  // a view, not a copy
  EXPECT_EQ(head.query, "x=%41");

  ASSERT_FALSE(head.SetTarget("/files/a%20b+c"));
  EXPECT_EQ(head.raw_path(), "/files/a%20b+c");
  EXPECT_EQ(head.path(), "/files/a b+c");  // '+' is a plus in a path
  EXPECT_EQ(head.query, "");  // nothing left from the earlier target

  EXPECT_EQ(head.SetTarget("/a/%2E%2e/b"), "dot segments are not allowed");
  EXPECT_EQ(head.SetTarget("/a%00b"), "NUL byte in the path");
  EXPECT_EQ(head.SetTarget("/a%zz"), "malformed percent-encoding in the path");
  EXPECT_EQ(head.SetTarget("a/b"), "the request target must be an absolute path");
}

TEST(RequestHead, PathsSurviveMovingTheHead) {
  for (std::string_view target : {"/s", "/api/spawners/1234/heartbeat", "/e%20scaped",
                                  "http://host", "https://host/long/enough/to/leave/sso?q"}) {
    RequestHead head;
    ASSERT_FALSE(head.SetTarget(target)) << target;
    std::string raw(head.raw_path());
    std::string path(head.path());
    RequestHead moved = std::move(head);
    EXPECT_EQ(moved.raw_path(), raw) << target;
    EXPECT_EQ(moved.path(), path) << target;
    RequestHead copied = moved;
    EXPECT_EQ(copied.raw_path(), raw) << target;
    EXPECT_EQ(copied.path(), path) << target;
  }
}

TEST(ChunkedDecoder, DecodesInPieces) {
  std::string encoded = "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (size_t split = 1; split < encoded.size() - 4; ++split) {
    ChunkedDecoder decoder;
    std::string body;
    size_t consumed = 0;
    auto first = decoder.Feed(std::string_view(encoded).substr(0, split), consumed, body, 1000);
    ASSERT_NE(first, ChunkedDecoder::Result::kError) << split;
    size_t offset = consumed;
    std::string_view rest = std::string_view(encoded).substr(offset);
    auto second = decoder.Feed(rest, consumed, body, 1000);
    if (first == ChunkedDecoder::Result::kDone) second = first;
    ASSERT_EQ(second, ChunkedDecoder::Result::kDone) << split;
    EXPECT_EQ(body, "Wikipedia") << split;
    EXPECT_EQ(encoded.substr(offset + consumed), "NEXT") << split;
  }
}

TEST(ChunkedDecoder, EnforcesTheBodyLimitAndFraming) {
  ChunkedDecoder decoder;
  std::string body;
  size_t consumed = 0;
  EXPECT_EQ(decoder.Feed("10\r\n0123456789abcdef\r\n0\r\n\r\n", consumed, body, 8),
            ChunkedDecoder::Result::kError);
  EXPECT_EQ(decoder.error_status(), 413);
  ChunkedDecoder broken;
  EXPECT_EQ(broken.Feed("zz\r\n", consumed, body, 100), ChunkedDecoder::Result::kError);
  EXPECT_EQ(broken.error_status(), 400);
}

}  // namespace
}  // namespace sr::host
