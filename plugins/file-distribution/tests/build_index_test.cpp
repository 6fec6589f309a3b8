#include "build_index.h"

#include <gtest/gtest.h>

namespace sr::file_distribution {
namespace {

BuildRecord Build(const std::string& version) {
  return BuildRecord{version, 10, std::string(64, 'a'), "ann", "2024-06-10T10:00:00Z"};
}

TEST(BuildIndexTest, RoundTripsThroughJson) {
  BuildIndex index({Build("1.0"), Build("1.1")});
  Result<BuildIndex> parsed = BuildIndex::Parse(index.Serialize());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed.value().builds(), index.builds());
}

TEST(BuildIndexTest, RefusesDamagedIndexes) {
  for (std::string_view json :
       {"", "[]", "{}", R"({"format":2,"builds":[]})", R"({"format":1})",
        R"({"format":1,"builds":[{"version":"../x","size":1,"sha256":"00"}]})",
        R"({"format":1,"builds":[{"version":"a","size":-1,"sha256":"00"}]})",
        R"({"format":1,"builds":[{"version":"a","size":1,"sha256":"00"}]})"}) {
    EXPECT_FALSE(BuildIndex::Parse(json).has_value()) << json;
  }
  std::string entry = R"({"version":"a","size":1,"sha256":")" + std::string(64, 'a') + R"("})";
  std::string twice = R"({"format":1,"builds":[)" + entry + "," + entry + "]}";
  EXPECT_FALSE(BuildIndex::Parse(twice).has_value());
  EXPECT_TRUE(BuildIndex::Parse(R"({"format":1,"builds":[)" + entry + "]}").has_value());
}

TEST(BuildIndexTest, AddRefusesATakenVersion) {
  BuildIndex index;
  EXPECT_TRUE(index.Add(Build("1.0")));
  EXPECT_FALSE(index.Add(Build("1.0")));
  EXPECT_EQ(index.builds().size(), 1u);
}

TEST(BuildIndexTest, FindsByContent) {
  BuildIndex index({Build("1.0")});
  EXPECT_NE(index.FindContent(std::string(64, 'a'), 10), nullptr);
  EXPECT_EQ(index.FindContent(std::string(64, 'a'), 11), nullptr);
  EXPECT_EQ(index.FindContent(std::string(64, 'b'), 10), nullptr);
}

TEST(BuildIndexTest, PruneKeepsTheNewestAndTheProtectedOne) {
  BuildIndex index({Build("1"), Build("2"), Build("3"), Build("4")});
  EXPECT_EQ(index.Prune(2, {"1"}), std::vector<std::string>({"2", "3"}));
  ASSERT_EQ(index.builds().size(), 2u);
  EXPECT_EQ(index.builds()[0].version, "1");
  EXPECT_EQ(index.builds()[1].version, "4");
  EXPECT_TRUE(index.Prune(2, {}).empty());
  EXPECT_EQ(index.Prune(1, {}), std::vector<std::string>({"1"}));
}

TEST(BuildIndexTest, PruneSparesEveryProtectedBuild) {
  BuildIndex index({Build("1"), Build("2"), Build("3")});
  EXPECT_TRUE(index.Prune(1, {"1", "3"}) == std::vector<std::string>({"2"}));
  ASSERT_EQ(index.builds().size(), 2u);
  EXPECT_TRUE(index.Prune(1, {"1", "3"}).empty());
}

}  // namespace
}  // namespace sr::file_distribution
