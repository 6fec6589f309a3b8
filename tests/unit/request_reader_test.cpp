// The request side of a connection on its own: pipelined bytes, bodies split across reads.
#include "http/request_reader.h"

#include <gtest/gtest.h>

#include "http/exchange.h"

namespace sr::host {
namespace {

TEST(RequestReader, ContentLengthBodyAcrossReadsLeavesThePipelinedRest) {
  RequestReader reader;
  Exchange exchange;
  exchange.head.content_length = 5;
  reader.BeginBody(1024);
  reader.Append("abc", 3);
  EXPECT_EQ(reader.ReadBody(exchange), RequestReader::BodyStatus::kNeedMore);
  EXPECT_TRUE(reader.empty());
  reader.Append("deGET /next", 11);
  EXPECT_EQ(reader.ReadBody(exchange), RequestReader::BodyStatus::kComplete);
  EXPECT_EQ(exchange.body, "abcde");
  EXPECT_EQ(reader.unread(), "GET /next");
  reader.Consume(4);
  reader.Compact();
  EXPECT_EQ(reader.unread(), "/next");
  EXPECT_EQ(reader.buffered(), 5u);
  reader.Clear();
  EXPECT_TRUE(reader.empty());
}

TEST(RequestReader, ChunkedBodyOverTheLimitIsRefusedWith413) {
  RequestReader reader;
  Exchange exchange;
  exchange.head.chunked = true;
  reader.BeginBody(4);
  std::string chunked = "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
  reader.Append(chunked.data(), chunked.size());
  EXPECT_EQ(reader.ReadBody(exchange), RequestReader::BodyStatus::kError);
  EXPECT_EQ(reader.body_error_status(), 413);
}

TEST(RequestReader, ChunkedBodyWithinTheLimit) {
  RequestReader reader;
  Exchange exchange;
  exchange.head.chunked = true;
  reader.BeginBody(64);
  std::string chunked = "3\r\nabc\r\n0\r\n\r\nnext";
  reader.Append(chunked.data(), chunked.size());
  EXPECT_EQ(reader.ReadBody(exchange), RequestReader::BodyStatus::kComplete);
  EXPECT_EQ(exchange.body, "abc");
  EXPECT_EQ(reader.unread(), "next");
}

}  // namespace
}  // namespace sr::host
