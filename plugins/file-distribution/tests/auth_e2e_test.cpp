// The routes behind the real auth plugin (when it is built): spawners need their API key,
// uploads an operator, and uploads reach the audit log.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_support.h"

namespace sr::file_distribution::testing {
namespace {

using sr::test::HttpClient;
using sr::test::HttpResponse;
using sr::test::TestHost;

constexpr const char* kMasterKey = "file-distribution-test-master-key";
constexpr const char* kSpawnerKey = "file-distribution-spawner-key-0001";

std::string AuthAndFilesYaml() {
  return std::string(
             "server:\n"
             "  bind: 127.0.0.1\n"
             "  port: 0\n"
             "plugins:\n"
             "  - id: auth\n"
             "    config:\n"
             "      argon2_opslimit: 1\n"
             "      argon2_memlimit: 8KiB\n"
             "      api_keys:\n"
             "        - {name: spawners, key: \"") +
         kSpawnerKey +
         "\", role: spawner}\n"
         "  - id: file-distribution\n"
         "    config:\n"
         "      chunk_size: 64KiB\n";
}

TEST(FileDistributionAuthE2eTest, DownloadsNeedAKeyAndUploadsAnOperator) {
  if (!std::filesystem::exists(sr::test::PluginDir() + "/auth.so")) {
    GTEST_SKIP() << "the auth plugin is not built";
  }
  TestHost host(AuthAndFilesYaml(),
                {{"MASTER_API_KEY", kMasterKey}, {"ADMIN_PASSWORD", "a-long-admin-password-1"}});
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  HttpClient::Headers master{{"X-API-Key", kMasterKey}};
  HttpClient::Headers spawner{{"X-API-Key", kSpawnerKey}};

  EXPECT_EQ(client.Get("/api/spawners/download").status, 401);
  EXPECT_EQ(client.Get("/api/spawners/download", {{"X-API-Key", "wrong-key-wrong-key"}}).status,
            401);
  EXPECT_EQ(client.Get("/api/spawners/download", master).status, 404);  // allowed, no build yet

  std::string build = MakeZipOfSize(100000, 1);
  EXPECT_EQ(client.Post("/api/builds/uploads", "{}").status, 401);
  EXPECT_EQ(client.Post("/api/builds/uploads", "{}", spawner).status, 403);
  ASSERT_EQ(UploadBuild(client, "1.0", build, master).status, 201);

  HttpResponse downloaded = client.Get("/api/spawners/download", master);
  ASSERT_EQ(downloaded.status, 200);
  EXPECT_EQ(downloaded.body, build);
  EXPECT_EQ(client.Get("/api/spawners/download", spawner).body, build);
  EXPECT_EQ(client.Get("/api/builds", spawner).status, 403);
  HttpResponse list = client.Get("/api/builds", master);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(ParseJson(list.body)["builds"][0]["uploaded_by"].GetString(),
            std::string("key:master"));

  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse audit = client.Get("/api/audit?limit=20", master);
        return audit.status == 200 && audit.body.find("\"build.upload\"") != std::string::npos;
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::file_distribution::testing
