// The cluster's rows (cluster_rows.h) and what applying them tells (cluster_catalog.h).
#include <gtest/gtest.h>

#include "cluster_catalog.h"

namespace sr::file_distribution {
namespace {

const std::string kSha(64, 'a');

ClusterBuild Build(std::uint64_t id, const std::string& version) {
  return ClusterBuild{id, BuildRecord{version, 10, kSha, "alice", "2026-12-06T16:00:00Z"}};
}

TEST(ClusterRowsTest, RowsRoundTrip) {
  ClusterBuild build = Build(42, "1.0.0");
  Result<ClusterBuild> parsed = ParseClusterBuild(ClusterBuildJson(build));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed.value(), build);
  CurrentPointer current{"1.0.0", "0.9.0", "admin"};
  Result<CurrentPointer> pointer = ParseCurrentPointer(CurrentPointerJson(current));
  ASSERT_TRUE(pointer.has_value());
  EXPECT_EQ(pointer.value(), current);
  current.previous.reset();
  EXPECT_EQ(ParseCurrentPointer(CurrentPointerJson(current)).value(), current);
}

TEST(ClusterRowsTest, DamagedRowsAreRefusedNamingWhy) {
  EXPECT_EQ(ParseClusterBuild("{").error().message,
            "damaged build row in the kv-store: not a JSON object");
  EXPECT_EQ(ParseClusterBuild(R"({"version":"1.0.0","size":1,"sha256":")" + kSha + R"("})")
                .error()
                .message,
            "damaged build row in the kv-store: no id");
  EXPECT_EQ(ParseClusterBuild(R"({"id":1,"version":"../x","size":1})").error().message,
            "damaged build row in the kv-store: a build has no valid version");
  EXPECT_FALSE(ParseCurrentPointer(R"({"version":"a b"})").has_value());
}

TEST(ClusterRowsTest, ChunkKeysSortByBuildThenIndex) {
  EXPECT_EQ(ChunkKey(7, 3), "00000000000000000007/0000000003");
  EXPECT_LT(ChunkKey(7, 9), ChunkKey(7, 10));
  EXPECT_LT(ChunkKey(7, 4000000), ChunkKey(8, 0));
  EXPECT_EQ(ChunkCount(0), 0u);
  EXPECT_EQ(ChunkCount(1), 1u);
  EXPECT_EQ(ChunkCount(kChunkBytes), 1u);
  EXPECT_EQ(ChunkCount(kChunkBytes + 1), 2u);
  // The pointer's key can never be a version's.
  EXPECT_EQ(kCurrentKey.front(), '.');
}

TEST(ClusterCatalogTest, ARowSeenTwiceChangesNothing) {
  ClusterCatalog catalog;
  std::string warning;
  std::string row = ClusterBuildJson(Build(1, "1.0.0"));
  EXPECT_EQ(catalog.Apply("1.0.0", row, false, warning).size(), 1u);
  EXPECT_TRUE(catalog.Apply("1.0.0", row, false, warning).empty());
  EXPECT_TRUE(warning.empty());
  std::vector<CatalogChange> removed = catalog.Apply("1.0.0", "", true, warning);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].kind, CatalogChange::Kind::kRemoved);
  EXPECT_TRUE(catalog.Apply("1.0.0", "", true, warning).empty());
}

TEST(ClusterCatalogTest, APointerAheadOfItsRowIsAnnouncedWithTheRow) {
  ClusterCatalog catalog;
  std::string warning;
  // One batch may be reported pointer first (".current" sorts before versions).
  EXPECT_TRUE(
      catalog.Apply(kCurrentKey, CurrentPointerJson({"2.0.0", "1.0.0", "bob"}), false, warning)
          .empty());
  EXPECT_FALSE(catalog.CurrentBuild().has_value());
  std::vector<CatalogChange> changes =
      catalog.Apply("2.0.0", ClusterBuildJson(Build(2, "2.0.0")), false, warning);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, CatalogChange::Kind::kAdded);
  EXPECT_EQ(changes[1].kind, CatalogChange::Kind::kActivated);
  EXPECT_EQ(changes[1].previous, "1.0.0");
  EXPECT_EQ(changes[1].activated_by, "bob");
  EXPECT_EQ(catalog.CurrentBuild()->id, 2u);
}

TEST(ClusterCatalogTest, ADamagedRowIsIgnoredWithAWarning) {
  ClusterCatalog catalog;
  std::string warning;
  EXPECT_TRUE(catalog.Apply("1.0.0", "not json", false, warning).empty());
  EXPECT_NE(warning.find("damaged build row"), std::string::npos);
  warning.clear();
  EXPECT_TRUE(catalog.Apply("1.0.1", ClusterBuildJson(Build(1, "1.0.0")), false, warning).empty());
  EXPECT_EQ(warning, "build row 1.0.1 names another version");
  EXPECT_TRUE(catalog.Builds().empty());
}

TEST(ClusterCatalogTest, BuildsAreListedNewestFirst) {
  ClusterCatalog catalog;
  std::string warning;
  catalog.Apply("b", ClusterBuildJson(Build(5, "b")), false, warning);
  catalog.Apply("a", ClusterBuildJson(Build(9, "a")), false, warning);
  catalog.Apply("c", ClusterBuildJson(Build(1, "c")), false, warning);
  std::vector<ClusterBuild> builds = catalog.Builds();
  ASSERT_EQ(builds.size(), 3u);
  EXPECT_EQ(builds[0].build.version, "a");
  EXPECT_EQ(builds[2].build.version, "c");
}

}  // namespace
}  // namespace sr::file_distribution
