// GET/HEAD /api/spawners/download and its manifest through the real executable.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "e2e_support.h"
#include "raw_download.h"
#include "time_format.h"

namespace sr::file_distribution::testing {
namespace {

using sr::test::HttpClient;
using sr::test::HttpResponse;
using sr::test::TestHost;

constexpr const char* kDownload = "/api/spawners/download";
constexpr const char* kManifest = "/api/spawners/download/manifest";

// A host serving `build`, placed by hand before the start.
class FileDownloadE2eTest : public ::testing::Test {
 protected:
  void StartWith(const std::string& build) {
    host_ = std::make_unique<TestHost>(FilesYaml());
    if (!build.empty()) {
      host_->dir()->Write("files/game_server.zip", build);
    }
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }

  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(FileDownloadE2eTest, WithoutABuildTheAnswerSaysWhereToPutOne) {
  StartWith("");
  for (const char* target : {kDownload, kManifest}) {
    HttpResponse response = client_->Get(target);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.Header("Content-Type"), "application/json");
    std::string error = StringField(response.body, "error");
    EXPECT_NE(
        error.find((std::filesystem::canonical(FilesDir(*host_)) / "game_server.zip").string()),
        std::string::npos)
        << error;
    EXPECT_NE(error.find("POST /api/builds/uploads"), std::string::npos) << error;
  }
  EXPECT_EQ(client_->Request("HEAD", kDownload).status, 404);
}

TEST_F(FileDownloadE2eTest, TheWholeBuildArrivesWithEveryHeader) {
  std::string build = MakeZipOfSize(300000, 1);
  StartWith(build);
  HttpResponse response = client_->Get(kDownload);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, build);
  EXPECT_EQ(response.Header("Content-Type"), "application/zip");
  EXPECT_EQ(response.Header("Content-Length"), std::to_string(build.size()));
  EXPECT_EQ(response.Header("ETag"), Etag(build));
  EXPECT_EQ(response.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(response.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(response.Header("Content-Disposition"), "attachment; filename=\"game_server.zip\"");
  EXPECT_EQ(response.Header("X-Build-Version").rfind("manual-", 0), 0u);
  struct stat info {};
  ASSERT_EQ(::stat((FilesDir(*host_) / "game_server.zip").c_str(), &info), 0);
  EXPECT_EQ(response.Header("Last-Modified"), HttpDate(info.st_mtim.tv_sec));
}

TEST_F(FileDownloadE2eTest, HeadHasTheHeadersButNoBody) {
  std::string build = MakeZipOfSize(200000, 2);
  StartWith(build);
  HttpResponse head = client_->Request("HEAD", kDownload);
  ASSERT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(build.size()));
  EXPECT_EQ(head.Header("Content-Type"), "application/zip");
  EXPECT_EQ(head.Header("ETag"), Etag(build));
  EXPECT_EQ(head.Header("Accept-Ranges"), "bytes");
  EXPECT_FALSE(head.Header("Last-Modified").empty());
  // No body bytes were sent: the next answer on the same connection parses cleanly.
  HttpResponse ranged = client_->Request("HEAD", kDownload, "", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.Header("Content-Length"), "10");
  EXPECT_EQ(client_->Get(kManifest).status, 200);
}

TEST_F(FileDownloadE2eTest, AMatchingIfNoneMatchIsNotModified) {
  std::string build = MakeZipOfSize(1000, 3);
  StartWith(build);
  HttpResponse cached = client_->Get(kDownload, {{"If-None-Match", Etag(build)}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(cached.Header("ETag"), Etag(build));
  EXPECT_FALSE(cached.HasHeader("Content-Length"));
  HttpResponse stale = client_->Get(kDownload, {{"If-None-Match", "\"sha256-old\", W/\"x\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, build);
}

TEST_F(FileDownloadE2eTest, ASingleRangeIsPartialContent) {
  std::string build = MakeZipOfSize(100000, 4);
  StartWith(build);
  std::string size = std::to_string(build.size());
  struct Case {
    std::string range;
    std::size_t offset;
    std::size_t length;
  };
  for (const Case& item :
       {Case{"bytes=0-99", 0, 100}, Case{"bytes=1000-", 1000, build.size() - 1000},
        Case{"bytes=-500", build.size() - 500, 500},
        Case{"bytes=99000-999999999", 99000, build.size() - 99000}}) {
    HttpResponse part = client_->Get(kDownload, {{"Range", item.range}});
    ASSERT_EQ(part.status, 206) << item.range;
    EXPECT_EQ(part.body, build.substr(item.offset, item.length)) << item.range;
    EXPECT_EQ(part.Header("Content-Range"), "bytes " + std::to_string(item.offset) + "-" +
                                                std::to_string(item.offset + item.length - 1) +
                                                "/" + size);
    EXPECT_EQ(part.Header("Content-Length"), std::to_string(item.length));
    EXPECT_EQ(part.Header("ETag"), Etag(build));
    EXPECT_EQ(part.Header("Content-Type"), "application/zip");
  }
}

TEST_F(FileDownloadE2eTest, AnUnsatisfiableRangeIs416WithTheSize) {
  std::string build = MakeZipOfSize(1000, 5);
  StartWith(build);
  HttpResponse response =
      client_->Get(kDownload, {{"Range", "bytes=" + std::to_string(build.size()) + "-"}});
  EXPECT_EQ(response.status, 416);
  EXPECT_EQ(response.Header("Content-Range"), "bytes */" + std::to_string(build.size()));
  EXPECT_EQ(response.Header("Content-Type"), "application/json");
  EXPECT_FALSE(StringField(response.body, "error").empty());
}

TEST_F(FileDownloadE2eTest, SeveralRangesOrAStaleIfRangeGetTheWholeBuild) {
  std::string build = MakeZipOfSize(5000, 6);
  StartWith(build);
  HttpResponse several = client_->Get(kDownload, {{"Range", "bytes=0-9,20-29"}});
  EXPECT_EQ(several.status, 200);
  EXPECT_EQ(several.body, build);
  HttpResponse stale =
      client_->Get(kDownload, {{"Range", "bytes=10-"}, {"If-Range", "\"sha256-old\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, build);
  HttpResponse fresh = client_->Get(kDownload, {{"Range", "bytes=10-"}, {"If-Range", Etag(build)}});
  EXPECT_EQ(fresh.status, 206);
  EXPECT_EQ(fresh.body, build.substr(10));
}

TEST_F(FileDownloadE2eTest, AnInterruptedDownloadResumesToTheSameDigest) {
  std::string build = MakeZipOfSize(3 << 20, 7);
  StartWith(build);
  std::string first_part;
  std::string etag;
  {
    RawDownload interrupted(host_->port(), kDownload);
    const std::string& head = interrupted.ReadHeadAndBody(256 << 10);
    ASSERT_NE(head.find(" 200 "), std::string::npos) << head;
    first_part = interrupted.body();
    std::size_t at = head.find("ETag: ");
    ASSERT_NE(at, std::string::npos) << head;
    etag = head.substr(at + 6, head.find("\r\n", at) - at - 6);
    interrupted.Close();  // the connection drops mid-body
  }
  ASSERT_LT(first_part.size(), build.size());
  HttpResponse rest = client_->Get(
      kDownload,
      {{"Range", "bytes=" + std::to_string(first_part.size()) + "-"}, {"If-Range", etag}});
  ASSERT_EQ(rest.status, 206);
  std::string resumed = first_part + rest.body;
  EXPECT_EQ(Sha256Hex(resumed), StringField(client_->Get(kManifest).body, "sha256"));
  EXPECT_EQ(resumed, build);
}

TEST_F(FileDownloadE2eTest, TheManifestDescribesTheServedBuild) {
  std::string build = MakeZipOfSize(1234, 8);
  StartWith(build);
  HttpResponse manifest = client_->Get(kManifest);
  ASSERT_EQ(manifest.status, 200) << manifest.body;
  EXPECT_EQ(StringField(manifest.body, "sha256"), Sha256Hex(build));
  EXPECT_EQ(NumberField(manifest.body, "size"), build.size());
  EXPECT_EQ(StringField(manifest.body, "version"),
            client_->Get(kDownload).Header("X-Build-Version"));
  EXPECT_EQ(StringField(manifest.body, "uploaded_at").size(), 20u);  // 2024-06-10T10:00:00Z
}

TEST_F(FileDownloadE2eTest, ABuildPlacedByHandWhileRunningIsServedNext) {
  StartWith("");
  ASSERT_EQ(client_->Get(kDownload).status, 404);
  std::string first = MakeZipOfSize(400000, 9);
  PlaceByHand(*host_, first);
  HttpResponse served = client_->Get(kDownload);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.Header("ETag"), Etag(first));
  EXPECT_EQ(served.body, first);
  HttpResponse builds = client_->Get("/api/builds");
  EXPECT_EQ(StringField(builds.body, "current"), served.Header("X-Build-Version")) << builds.body;

  std::string second = MakeZipOfSize(400000, 10);
  PlaceByHand(*host_, second);
  HttpResponse replaced = client_->Get(kDownload, {{"If-None-Match", Etag(first)}});
  EXPECT_EQ(replaced.status, 200);
  EXPECT_EQ(replaced.Header("ETag"), Etag(second));
  EXPECT_EQ(replaced.body, second);
}

TEST_F(FileDownloadE2eTest, ASymbolicLinkIsNeverFollowed) {
  StartWith("");
  host_->dir()->Write("secret.txt", "not for spawners");
  std::filesystem::create_symlink(host_->dir()->path() / "secret.txt",
                                  FilesDir(*host_) / "game_server.zip");
  HttpResponse response = client_->Get(kDownload);
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("symbolic link"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace sr::file_distribution::testing
