#include "names.h"

#include <gtest/gtest.h>

#include <set>

#include "time_format.h"

namespace sr::file_distribution {
namespace {

TEST(BuildNamesTest, VersionsAreSafeFileNames) {
  for (std::string_view good : {"1", "1.2.3", "v2024-06-10_rc.1", "A"}) {
    EXPECT_TRUE(IsValidVersion(good)) << good;
  }
  EXPECT_TRUE(IsValidVersion(std::string(64, 'x')));
  EXPECT_FALSE(IsValidVersion(std::string(65, 'x')));
  for (std::string_view bad : {"", ".hidden", "-x", "_x", "../etc", "a/b", "a\\b", "a b", "a\nb",
                               "..", "é", "a:b", "a%2fb"}) {
    EXPECT_FALSE(IsValidVersion(bad)) << bad;
  }
}

TEST(BuildNamesTest, UploadIdsAreRandomLowercaseHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::optional<std::string> id = NewUploadId();
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(IsValidUploadId(*id)) << *id;
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(IsValidUploadId("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(IsValidUploadId("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(IsValidUploadId("../../../../../../../../etc/pass"));
}

TEST(BuildNamesTest, Sha256IsNormalizedToLowercase) {
  std::string upper(64, 'A');
  EXPECT_EQ(NormalizeSha256(upper), std::string(64, 'a'));
  EXPECT_FALSE(NormalizeSha256(std::string(63, 'a')));
  EXPECT_FALSE(NormalizeSha256(std::string(64, 'g')));
}

TEST(BuildNamesTest, DerivedFileNames) {
  EXPECT_EQ(BuildFileName("1.0"), "1.0.zip");
  EXPECT_EQ(PartFileName("ab"), "ab.part");
  EXPECT_EQ(SidecarFileName("ab"), "ab.json");
  EXPECT_EQ(HexOf(std::string("\x00\xff\x10", 3)), "00ff10");
}

TEST(BuildTimeFormatTest, HttpAndCompactForms) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(CompactUtc(784111777), "19941106T084937Z");
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace sr::file_distribution
