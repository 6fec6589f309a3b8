// A new build replaces the current one while spawners download it: a download already
// running finishes with the old build intact, the next one gets the new build.
#include <gtest/gtest.h>

#include "e2e_support.h"
#include "raw_download.h"

namespace sr::file_distribution::testing {
namespace {

using sr::test::HttpClient;
using sr::test::HttpResponse;
using sr::test::TestHost;

constexpr const char* kDownload = "/api/spawners/download";

TEST(BuildReplacementE2eTest, ARunningDownloadKeepsTheOldBuildWhileTheNextGetsTheNew) {
  TestHost host(FilesYaml());
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient operator_client(host.port());
  std::string old_build = MakeZipOfSize(6 << 20, 1);
  std::string new_build = MakeZipOfSize(5 << 20, 2);
  ASSERT_EQ(UploadBuild(operator_client, "old", old_build).status, 201);

  // A spawner on a slow link: a small receive buffer, and it stops reading for a while.
  RawDownload slow(host.port(), kDownload, 16 << 10);
  const std::string& head = slow.ReadHeadAndBody(64 << 10);
  ASSERT_NE(head.find(" 200 "), std::string::npos) << head;
  ASSERT_NE(head.find(Etag(old_build)), std::string::npos) << head;

  ASSERT_EQ(UploadBuild(operator_client, "new", new_build).status, 201);
  HttpResponse next = HttpClient(host.port()).Get(kDownload);
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(next.Header("ETag"), Etag(new_build));
  EXPECT_EQ(next.body, new_build);

  slow.ReadHeadAndBody(old_build.size());
  EXPECT_EQ(slow.body().size(), old_build.size());
  EXPECT_EQ(Sha256Hex(slow.body()), Sha256Hex(old_build));

  // An older build made current again behaves the same way.
  RawDownload second(host.port(), kDownload, 16 << 10);
  ASSERT_NE(second.ReadHeadAndBody(64 << 10).find(Etag(new_build)), std::string::npos);
  ASSERT_EQ(operator_client.Post("/api/builds/old/activate", "").status, 200);
  EXPECT_EQ(HttpClient(host.port()).Get(kDownload).body, old_build);
  second.ReadHeadAndBody(new_build.size());
  EXPECT_EQ(Sha256Hex(second.body()), Sha256Hex(new_build));
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::file_distribution::testing
