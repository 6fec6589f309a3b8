// The original spawner agent, replayed byte for byte against the default deployment with only
// MASTER_API_KEY set: what agents in the field send (these headers and nothing else: no
// cookies, no Origin, one connection per request) must keep working whatever the master
// changes about roles, tokens and address binding.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "http_client.h"
#include "test_host.h"
#include "zip_builder.h"

namespace sr::test {
namespace {

constexpr const char* kMasterKey = "seed-agent-replay-master-key-0001";

// The default plugins.yaml without the examples; dashboard-sse when it is built.
std::string DefaultYaml() {
  std::string yaml =
      "server:\n"
      "  bind: 127.0.0.1\n"
      "  port: 0\n"
      "plugins:\n"
      "  - id: sqlite-store\n"
      "    config:\n"
      "      path: data/registry.db\n"
      "  - id: spawner-registry\n"
      "    config:\n"
      "      ttl: 60s\n"
      "  - id: auth\n";
  if (std::filesystem::exists(PluginDir() + "/dashboard-sse.so")) yaml += "  - id: dashboard-sse\n";
  yaml += "  - id: file-distribution\n";
  return yaml;
}

rapidjson::Document Json(const HttpResponse& response) {
  rapidjson::Document document;
  document.Parse(response.body.c_str(), response.body.size());
  EXPECT_FALSE(document.HasParseError()) << response.body;
  EXPECT_TRUE(document.IsObject()) << response.body;
  return document;
}

TEST(SeedAgentReplayTest, RegisterHeartbeatDownloadDeleteWithTheMasterKey) {
  // Only MASTER_API_KEY: nothing from the environment running the tests may add keys or users.
  for (const char* name : {"ADMIN_API_KEY", "ADMIN_EMAIL", "ADMIN_PASSWORD", "DB_PATH"}) {
    ::unsetenv(name);
  }
  TestHost host(DefaultYaml(), {{"MASTER_API_KEY", kMasterKey}});
  // The build, placed the way an operator deploys one by hand: files/game_server.zip.
  const std::string build = sr::file_distribution::testing::MakeZipOfSize(200000, 7);
  host.dir()->Write("files/game_server.zip", build);
  ASSERT_TRUE(host.Start()) << host.Output();
  const std::uint16_t port = host.port();
  const HttpClient::Headers json_and_key{{"Content-Type", "application/json"},
                                         {"X-API-Key", kMasterKey}};
  const HttpClient::Headers key_only{{"X-API-Key", kMasterKey}};

  HttpResponse registered = Fetch(port, "POST", "/api/spawners",
                                  R"({"region":"eu-west","host":"127.0.0.1","port":9000,)"
                                  R"("max_instances":10,"current_instances":0,"status":"active"})",
                                  json_and_key);
  ASSERT_EQ(registered.status, 201) << registered.body;
  rapidjson::Document answer = Json(registered);
  ASSERT_TRUE(answer.HasMember("id") && answer["id"].IsUint64()) << registered.body;
  const std::string id = std::to_string(answer["id"].GetUint64());

  for (int beat = 0; beat < 3; ++beat) {
    HttpResponse heartbeat =
        Fetch(port, "POST", "/api/spawners/" + id + "/heartbeat",
              R"({"current_instances":1,"max_instances":10,"status":"active"})", json_and_key);
    ASSERT_EQ(heartbeat.status, 200) << heartbeat.body;
    rapidjson::Document ok = Json(heartbeat);
    ASSERT_TRUE(ok.HasMember("status") && ok["status"].IsString()) << heartbeat.body;
    EXPECT_STREQ(ok["status"].GetString(), "ok");
  }

  HttpResponse downloaded = Fetch(port, "GET", "/api/spawners/download", "", key_only);
  ASSERT_EQ(downloaded.status, 200) << downloaded.body.substr(0, 200);
  EXPECT_EQ(downloaded.Header("Content-Type"), "application/zip");
  EXPECT_TRUE(downloaded.body == build) << "the download is not the build placed in files/";

  HttpResponse deleted = Fetch(port, "DELETE", "/api/spawners/" + id, "", key_only);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  rapidjson::Document gone = Json(deleted);
  ASSERT_TRUE(gone.HasMember("message") && gone["message"].IsString()) << deleted.body;
  EXPECT_STREQ(gone["message"].GetString(), "deleted");
  // The next heartbeat of a deleted spawner is 404: the agent then registers again.
  EXPECT_EQ(Fetch(port, "POST", "/api/spawners/" + id + "/heartbeat",
                  R"({"current_instances":1,"max_instances":10,"status":"active"})", json_and_key)
                .status,
            404);
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::test
