#include "static_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "temp_dir.h"

namespace sr::dashboard {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(dir_.path());
    Write(root_ / "web/assets/css/app.css", "body{}");
    Write(root_ / "web/assets/js/app.js", "export {};");
    Write(root_ / "web/vendor/chart.js", "vendor");
    Write(root_ / "web/pages/dashboard.html", "<!DOCTYPE html>");
  }
  std::vector<StaticMount> Mounts() const {
    return {{"/pages", root_ / "web/pages"},
            {"/assets/vendor", root_ / "web/vendor"},
            {"/assets", root_ / "web/assets"}};
  }

  sr::test::TempDir dir_;
  fs::path root_;
};

TEST_F(StaticFilesTest, LoadsFilesUnderTheirUrls) {
  StaticFileSet set = StaticFileSet::Load(Mounts(), {});
  EXPECT_EQ(set.size(), 4u);
  const StaticFile* css = set.Find("/assets/css/app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(*css->body, "body{}");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  ASSERT_NE(set.Find("/assets/vendor/chart.js"), nullptr);
  ASSERT_NE(set.Find("/pages/dashboard.html"), nullptr);
  EXPECT_EQ(set.Find("/assets/missing.js"), nullptr);
  EXPECT_TRUE(set.warnings().empty());
}

TEST_F(StaticFilesTest, EtagFollowsTheContent) {
  StaticFileSet first = StaticFileSet::Load(Mounts(), {});
  std::string etag = first.Find("/assets/js/app.js")->etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(StaticFileSet::Load(Mounts(), {}).Find("/assets/js/app.js")->etag, etag);
  Write(root_ / "web/assets/js/app.js", "export const changed = 1;");
  EXPECT_NE(StaticFileSet::Load(Mounts(), {}).Find("/assets/js/app.js")->etag, etag);
}

TEST_F(StaticFilesTest, SkipsHiddenUnknownLinkedAndNodeModules) {
  Write(root_ / "web/assets/.env", "SECRET=1");
  Write(root_ / "web/assets/.hidden/x.js", "x");
  Write(root_ / "web/assets/node_modules/pkg/index.js", "x");
  Write(root_ / "web/assets/server.key", "key");
  Write(root_ / "outside/secret.js", "secret");
  fs::create_symlink(root_ / "outside/secret.js", root_ / "web/assets/linked.js");
  fs::create_directory_symlink(root_ / "outside", root_ / "web/assets/linked-dir");
  StaticFileSet set = StaticFileSet::Load(Mounts(), {});
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(set.Find("/assets/.env"), nullptr);
  EXPECT_EQ(set.Find("/assets/.hidden/x.js"), nullptr);
  EXPECT_EQ(set.Find("/assets/node_modules/pkg/index.js"), nullptr);
  EXPECT_EQ(set.Find("/assets/server.key"), nullptr);
  EXPECT_EQ(set.Find("/assets/linked.js"), nullptr);
  EXPECT_EQ(set.Find("/assets/linked-dir/secret.js"), nullptr);
}

TEST_F(StaticFilesTest, MissingFolderIsAWarningNotAFailure) {
  fs::remove_all(root_ / "web/vendor");
  StaticFileSet set = StaticFileSet::Load(Mounts(), {});
  EXPECT_EQ(set.size(), 3u);
  ASSERT_EQ(set.warnings().size(), 1u);
  EXPECT_NE(set.warnings()[0].find("vendor"), std::string::npos);
}

TEST_F(StaticFilesTest, LimitsSkipLargeFiles) {
  Write(root_ / "web/assets/big.js", std::string(2048, 'x'));
  StaticLimits limits;
  limits.max_file_bytes = 1024;
  StaticFileSet set = StaticFileSet::Load(Mounts(), limits);
  EXPECT_EQ(set.Find("/assets/big.js"), nullptr);
  EXPECT_EQ(set.size(), 4u);
  EXPECT_FALSE(set.warnings().empty());
}

TEST_F(StaticFilesTest, CacheReloadsOnlyWhenFilesChange) {
  StaticFileCache cache(Mounts(), {});
  auto before = cache.Current();
  EXPECT_FALSE(cache.ReloadIfChanged());
  EXPECT_EQ(cache.Current(), before);

  Write(root_ / "web/assets/js/new.js", "new");
  EXPECT_TRUE(cache.ReloadIfChanged());
  EXPECT_NE(cache.Current()->Find("/assets/js/new.js"), nullptr);
  // Readers that hold the old set keep a consistent view.
  EXPECT_EQ(before->Find("/assets/js/new.js"), nullptr);

  fs::remove(root_ / "web/assets/js/new.js");
  EXPECT_TRUE(cache.ReloadIfChanged());
  EXPECT_EQ(cache.Current()->Find("/assets/js/new.js"), nullptr);
}

TEST(SafeRelativePath, AcceptsPlainPaths) {
  EXPECT_EQ(SafeRelativePath("js/app.js"), "js/app.js");
  EXPECT_EQ(SafeRelativePath("vendor/uPlot.esm.js"), "vendor/uPlot.esm.js");
  EXPECT_EQ(SafeRelativePath("a b.css"), "a b.css");
}

TEST(SafeRelativePath, RefusesTraversalAndOddSegments) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "", "../etc/passwd", "js/../../x.js", "./app.js", "js//app.js", "/abs.js", "js/", ".env",
           "js/.hidden.js", "js\\..\\x.js", std::string_view("a\0b.js", 6), "a\nb.js"}) {
    EXPECT_FALSE(SafeRelativePath(bad)) << bad;
  }
  EXPECT_FALSE(SafeRelativePath(std::string(1025, 'a')));
}

TEST(EtagMatches, HandlesListsWeakAndStar) {
  EXPECT_TRUE(EtagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("*", "\"abc\""));
  EXPECT_FALSE(EtagMatches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(EtagMatches("abc", "\"abc\""));
  EXPECT_FALSE(EtagMatches("", "\"abc\""));
}

}  // namespace
}  // namespace sr::dashboard
