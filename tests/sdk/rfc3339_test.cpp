// sr/rfc3339.hpp: the one RFC 3339 formatter of the host and the plugins.
#include <sr/rfc3339.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Rfc3339Millis, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(sr::Rfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(sr::Rfc3339Millis(1764104471123), "2025-11-25T21:01:11.123Z");
  EXPECT_EQ(sr::Rfc3339Millis(1795640471123), "2026-11-25T21:01:11.123Z");
  EXPECT_EQ(sr::Rfc3339Millis(1709164800000), "2024-02-29T00:00:00.000Z");  // leap days
  EXPECT_EQ(sr::Rfc3339Millis(951782400000), "2000-02-29T00:00:00.000Z");
}

TEST(Rfc3339Millis, RoundsBeforeTheEpochDown) {
  EXPECT_EQ(sr::Rfc3339Millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(sr::Rfc3339Millis(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(sr::Rfc3339Millis(-1001), "1969-12-31T23:59:58.999Z");
}

TEST(Rfc3339Millis, ClampsToFourDigitYearsAndKeepsItsSize) {
  EXPECT_EQ(sr::Rfc3339Millis(-62167219200000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(sr::Rfc3339Millis(INT64_MIN), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(sr::Rfc3339Millis(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(sr::Rfc3339Millis(INT64_MAX), "9999-12-31T23:59:59.999Z");
  for (std::int64_t ms : {INT64_MIN, std::int64_t{-1}, std::int64_t{0}, INT64_MAX}) {
    EXPECT_EQ(sr::Rfc3339Millis(ms).size(), sr::kRfc3339MillisSize) << ms;
  }
}

TEST(Rfc3339Millis, AppendsToWhatIsThere) {
  std::string out = "at ";
  sr::AppendRfc3339Millis(out, 1795640471123);
  EXPECT_EQ(out, "at 2026-11-25T21:01:11.123Z");
}

TEST(Rfc3339Seconds, FormatsUtcWithSecondsAndClamps) {
  EXPECT_EQ(sr::Rfc3339Seconds(784111777), "1994-11-06T08:49:37Z");
  EXPECT_EQ(sr::Rfc3339Seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(sr::Rfc3339Seconds(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(sr::Rfc3339Seconds(INT64_MIN), "0000-01-01T00:00:00Z");
  EXPECT_EQ(sr::Rfc3339Seconds(INT64_MAX), "9999-12-31T23:59:59Z");
}

}  // namespace
