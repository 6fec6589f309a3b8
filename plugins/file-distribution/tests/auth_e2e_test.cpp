// The routes behind the real auth plugin (when it is built): spawners need a key, uploads an
// operator, and making a build current an admin (or an operator when operators_can_activate
// is set). Keys are configured with explicit roles, so the tests do not depend on the role
// of MASTER_API_KEY.
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
constexpr const char* kOperatorKey = "file-distribution-operator-key-0001";
constexpr const char* kAdminKey = "file-distribution-admin-key-00001";
constexpr const char* kDownload = "/api/spawners/download";

std::string AuthAndFilesYaml(const std::string& files_config = "") {
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
         "        - {name: operators, key: \"" +
         kOperatorKey +
         "\", role: operator}\n"
         "        - {name: admins, key: \"" +
         kAdminKey +
         "\", role: admin}\n"
         "  - id: file-distribution\n"
         "    config:\n"
         "      chunk_size: 64KiB\n" +
         files_config;
}

class FileDistributionAuthE2eTest : public ::testing::Test {
 protected:
  void Start(const std::string& files_config = "") {
    if (!std::filesystem::exists(sr::test::PluginDir() + "/auth.so")) {
      GTEST_SKIP() << "the auth plugin is not built";
    }
    host_ = std::make_unique<TestHost>(
        AuthAndFilesYaml(files_config),
        std::map<std::string, std::string>{{"MASTER_API_KEY", kMasterKey},
                                           {"ADMIN_PASSWORD", "a-long-admin-password-1"}});
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  void TearDown() override {
    if (host_ != nullptr) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }

  std::string Current() { return StringField(client_->Get("/api/builds", admin_).body, "current"); }
  // The detail of the newest audit entry with this action and target, once it is recorded.
  std::string AuditDetail(const std::string& action, const std::string& target) {
    std::string detail;
    Eventually(
        [&] {
          HttpResponse audit = client_->Get("/api/audit?limit=50", admin_);
          if (audit.status != 200) return false;
          rapidjson::Document document = ParseJson(audit.body);
          for (const auto& entry : document["entries"].GetArray()) {
            if (entry["action"].GetString() == action && entry["target"].GetString() == target) {
              detail = entry["detail"].GetString();
              return true;
            }
          }
          return false;
        },
        std::chrono::seconds(5));
    return detail;
  }

  HttpClient::Headers spawner_{{"X-API-Key", kSpawnerKey}};
  HttpClient::Headers operator_{{"X-API-Key", kOperatorKey}};
  HttpClient::Headers admin_{{"X-API-Key", kAdminKey}};
  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(FileDistributionAuthE2eTest, DownloadsNeedAKeyAndUploadsAnOperator) {
  Start();
  EXPECT_EQ(client_->Get(kDownload).status, 401);
  EXPECT_EQ(client_->Get(kDownload, {{"X-API-Key", "wrong-key-wrong-key"}}).status, 401);
  EXPECT_EQ(client_->Get(kDownload, spawner_).status, 404);  // allowed, no build yet

  std::string build = MakeZipOfSize(100000, 1);
  EXPECT_EQ(client_->Post("/api/builds/uploads", "{}").status, 401);
  EXPECT_EQ(client_->Post("/api/builds/uploads", "{}", spawner_).status, 403);
  HttpResponse committed = UploadBuild(*client_, "1.0", build, admin_);
  ASSERT_EQ(committed.status, 201) << committed.body;
  EXPECT_TRUE(ParseJson(committed.body)["current"].GetBool());
  EXPECT_EQ(StringField(committed.body, "message"), "build 1.0 is now current");

  // Every key downloads: the spawners' key, the master key, operators and admins.
  for (const HttpClient::Headers& key :
       {spawner_, HttpClient::Headers{{"X-API-Key", kMasterKey}}, operator_, admin_}) {
    HttpResponse downloaded = client_->Get(kDownload, key);
    ASSERT_EQ(downloaded.status, 200);
    EXPECT_EQ(downloaded.body, build);
  }
  EXPECT_EQ(client_->Get("/api/builds", spawner_).status, 403);
  HttpResponse list = client_->Get("/api/builds", operator_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(ParseJson(list.body)["builds"][0]["uploaded_by"].GetString(),
            std::string("key:admins"));
  EXPECT_EQ(AuditDetail("build.upload", "1.0"), "size " + std::to_string(build.size()) +
                                                    ", sha256 " + Sha256Hex(build) +
                                                    ", 1 zip entries; made current");
}

TEST_F(FileDistributionAuthE2eTest, AnOperatorsBuildIsStoredUntilAnAdminActivatesIt) {
  Start();
  std::string first = MakeZipOfSize(50000, 1);
  ASSERT_EQ(UploadBuild(*client_, "1.0", first, admin_).status, 201);

  std::string second = MakeZipOfSize(60000, 2);
  HttpResponse committed = UploadBuild(*client_, "2.0", second, operator_);
  ASSERT_EQ(committed.status, 201) << committed.body;
  rapidjson::Document answer = ParseJson(committed.body);
  EXPECT_STREQ(answer["version"].GetString(), "2.0");
  EXPECT_FALSE(answer["current"].GetBool());
  EXPECT_STREQ(answer["activate"].GetString(), "/api/builds/2.0/activate");
  EXPECT_EQ(std::string(answer["message"].GetString()),
            "build 2.0 is stored but not current: making a build current needs the admin role "
            "(file-distribution's operators_can_activate: true lets operators do it); an admin "
            "makes it current with POST /api/builds/2.0/activate");

  // Spawners still get the admin's build.
  EXPECT_EQ(client_->Get(kDownload, spawner_).body, first);
  EXPECT_EQ(Current(), "1.0");
  rapidjson::Document list = ParseJson(client_->Get("/api/builds", operator_).body);
  ASSERT_EQ(list["builds"].Size(), 2u);
  EXPECT_STREQ(list["builds"][0]["version"].GetString(), "2.0");
  EXPECT_FALSE(list["builds"][0]["current"].GetBool());
  EXPECT_NE(AuditDetail("build.upload", "2.0").find("; stored, not made current (needs an admin)"),
            std::string::npos);

  EXPECT_EQ(client_->Post("/api/builds/2.0/activate", "", operator_).status, 403);
  EXPECT_EQ(client_->Post("/api/builds/2.0/activate", "", spawner_).status, 403);
  EXPECT_EQ(client_->Get(kDownload, spawner_).body, first);
  HttpResponse activated = client_->Post("/api/builds/2.0/activate", "", admin_);
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_EQ(client_->Get(kDownload, spawner_).body, second);
  EXPECT_EQ(Current(), "2.0");
  EXPECT_EQ(AuditDetail("build.activate", "2.0"), "previous: 1.0");
}

TEST_F(FileDistributionAuthE2eTest, OperatorsActivateWhenTheConfigSaysSo) {
  Start("      operators_can_activate: true\n");
  std::string first = MakeZipOfSize(50000, 1);
  ASSERT_EQ(UploadBuild(*client_, "1.0", first, admin_).status, 201);
  std::string second = MakeZipOfSize(60000, 2);
  HttpResponse committed = UploadBuild(*client_, "2.0", second, operator_);
  ASSERT_EQ(committed.status, 201) << committed.body;
  EXPECT_TRUE(ParseJson(committed.body)["current"].GetBool());
  EXPECT_EQ(client_->Get(kDownload, spawner_).body, second);
  EXPECT_EQ(Current(), "2.0");
  EXPECT_NE(AuditDetail("build.upload", "2.0").find("; made current"), std::string::npos);
}

}  // namespace
}  // namespace sr::file_distribution::testing
