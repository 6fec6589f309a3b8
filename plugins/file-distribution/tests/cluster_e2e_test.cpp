// Two real masters with postgres-store over one throw-away PostgreSQL (tests/support/
// pg_server.h): a build uploaded through one is downloaded from the other byte for byte, the
// current-build switch travels, and while the database is down uploads answer 503 and builds
// on disk are still served. Skipped when no PostgreSQL is installed.
#include <gtest/gtest.h>

#include "e2e_support.h"
#include "pg_server.h"

namespace sr::file_distribution::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::HttpClient;
using sr::test::HttpResponse;
using sr::test::PgServer;
using sr::test::TestHost;

constexpr const char* kDownload = "/api/spawners/download";

std::string ClusterYaml(const std::string& host_name) {
  return std::string(
             "server:\n"
             "  bind: 127.0.0.1\n"
             "  port: 0\n"
             "  missing_guards: allow\n"
             "plugins:\n"
             "  - id: postgres-store\n"
             "    config:\n"
             "      conninfo: ${DATABASE_URL}\n"
             "      host_name: ")
      .append(host_name)
      .append(
          "\n"
          "  - id: file-distribution\n"
          "    config:\n"
          "      chunk_size: 64KiB\n");
}

std::string Current(HttpClient& client) {
  return StringField(client.Get("/api/builds").body, "current");
}

TEST(FileDistributionClusterE2eTest, BuildsUploadedThroughOneMasterAreServedByTheOther) {
  auto pg = PgServer::Start();
  if (!pg) GTEST_SKIP() << PgServer::SkipReason();
  const std::map<std::string, std::string> env{{"DATABASE_URL", pg->conninfo()}};
  TestHost a(ClusterYaml("a"), env);
  TestHost b(ClusterYaml("b"), env);
  ASSERT_TRUE(a.Start()) << a.Output();
  ASSERT_TRUE(b.Start()) << b.Output();
  HttpClient on_a(a.port());
  HttpClient on_b(b.port());

  // 2.5 MiB: three chunks in the database.
  const std::string one = MakeZipOfSize((5u << 20) / 2, 1);
  HttpResponse committed = UploadBuild(on_a, "1.0.0", one);
  ASSERT_EQ(committed.status, 201) << committed.body;
  ASSERT_TRUE(Eventually([&] { return Current(on_b) == "1.0.0"; }, 2s)) << b.Output();
  HttpResponse download = on_b.Get(kDownload);
  ASSERT_EQ(download.status, 200) << download.body;
  EXPECT_EQ(download.Header("X-Build-Version"), "1.0.0");
  EXPECT_EQ(Sha256Hex(download.body), Sha256Hex(one));
  EXPECT_TRUE(download.body == one);
  EXPECT_TRUE(std::filesystem::exists(FilesDir(b) / "builds/1.0.0.zip"));

  // A build made current through b is what a serves next.
  const std::string two = MakeZipOfSize(200000, 2);
  ASSERT_EQ(UploadBuild(on_b, "2.0.0", two).status, 201);
  ASSERT_TRUE(Eventually([&] { return Current(on_a) == "2.0.0"; }, 2s)) << a.Output();
  EXPECT_TRUE(on_a.Get(kDownload).body == two);

  // The database goes away: a commit answers 503 and keeps the upload; new uploads are refused;
  // both masters keep serving the build they have on disk.
  const std::string three = MakeZipOfSize(100000, 3);
  std::string id = BeginUpload(on_a, "3.0.0", three.size(), Sha256Hex(three));
  SendChunks(on_a, id, three, 0, three.size());
  pg->Stop();
  HttpResponse refused = Commit(on_a, id);
  EXPECT_EQ(refused.status, 503) << refused.body;
  HttpResponse created = on_a.Post("/api/builds/uploads", R"({"version":"4.0.0","size":10,)"
                                                          R"("sha256":")" +
                                                              std::string(64, 'a') + R"("})");
  EXPECT_EQ(created.status, 503) << created.body;
  for (HttpClient* client : {&on_a, &on_b}) {
    HttpResponse served = client->Get(kDownload);
    EXPECT_EQ(served.status, 200) << served.body;
    EXPECT_TRUE(served.body == two);
  }

  // Back: the same upload commits, and b follows.
  pg->Restart();
  ASSERT_TRUE(Eventually([&] { return Commit(on_a, id).status == 201; }, 10s)) << a.Output();
  ASSERT_TRUE(Eventually([&] { return Current(on_b) == "3.0.0"; }, 3s)) << b.Output();
  EXPECT_TRUE(on_b.Get(kDownload).body == three);
  EXPECT_EQ(a.Stop(), 0) << a.Output();
  EXPECT_EQ(b.Stop(), 0) << b.Output();
}

}  // namespace
}  // namespace sr::file_distribution::testing
