#include "byte_range.h"

#include <gtest/gtest.h>

namespace sr::file_distribution {
namespace {

using Kind = RangeRequest::Kind;

void ExpectRange(std::string_view header, std::uint64_t size, std::uint64_t offset,
                 std::uint64_t length) {
  RangeRequest request = ParseRange(header, size);
  ASSERT_EQ(request.kind, Kind::kSatisfiable) << header;
  EXPECT_EQ(request.range.offset, offset) << header;
  EXPECT_EQ(request.range.length, length) << header;
}

TEST(ByteRangeTest, ClosedOpenAndSuffixRanges) {
  ExpectRange("bytes=0-99", 1000, 0, 100);
  ExpectRange("bytes=100-", 1000, 100, 900);
  ExpectRange("bytes=-100", 1000, 900, 100);
  ExpectRange("bytes=999-999", 1000, 999, 1);
  ExpectRange(" BYTES = 10-19 ", 1000, 10, 10);
}

TEST(ByteRangeTest, EndsBeyondTheFileAreClamped) {
  ExpectRange("bytes=500-5000", 1000, 500, 500);
  ExpectRange("bytes=-5000", 1000, 0, 1000);
  ExpectRange("bytes=0-99999999999999999999999", 1000, 0, 1000);
}

TEST(ByteRangeTest, StartsBeyondTheFileAreUnsatisfiable) {
  EXPECT_EQ(ParseRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=1000-2000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=99999999999999999999999-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-5", 0).kind, Kind::kUnsatisfiable);
}

TEST(ByteRangeTest, MalformedOtherUnitsAndSeveralRangesMeanTheWholeFile) {
  for (std::string_view header :
       {"", "bytes", "bytes=", "bytes=abc", "bytes=5-2", "bytes=1-2-3", "bytes=--5", "bytes=+1-2",
        "items=0-5", "bytes 0-5", "bytes=0-1,5-6", "bytes=0-1, -5", "bytes=,,"}) {
    EXPECT_EQ(ParseRange(header, 1000).kind, Kind::kWhole) << header;
  }
  // Empty list elements are allowed around a single range.
  ExpectRange("bytes=, 0-9 ,", 1000, 0, 10);
}

TEST(ByteRangeTest, ContentRangeHeaders) {
  EXPECT_EQ(ContentRange(ByteRange{0, 100}, 1000), "bytes 0-99/1000");
  EXPECT_EQ(ContentRange(ByteRange{999, 1}, 1000), "bytes 999-999/1000");
  EXPECT_EQ(UnsatisfiedContentRange(1000), "bytes */1000");
}

}  // namespace
}  // namespace sr::file_distribution
