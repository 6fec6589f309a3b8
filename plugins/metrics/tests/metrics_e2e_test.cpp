// GET /metrics through the real executable with the default plugins: who may scrape it, the
// names and labels operators alert on, and `promtool check metrics` on what it serves.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "auth_e2e_support.h"
#include "http_client.h"
#include "test_host.h"

namespace sr::metrics_plugin {
namespace {

using sr::auth::e2e::AuthYaml;
using sr::auth::e2e::ConfiguredKeysYaml;
using sr::auth::e2e::kAdminEmail;
using sr::auth::e2e::kAdminPassword;
using sr::auth::e2e::kMasterKey;
using sr::auth::e2e::kOperatorKey;
using sr::auth::e2e::SessionHeaders;
using sr::auth::e2e::SignIn;
using sr::auth::e2e::StandardEnv;
using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;

std::string Yaml() {
  return AuthYaml(ConfiguredKeysYaml(),
                  "  - id: sqlite-store\n"
                  "    config:\n"
                  "      path: {{DIR}}/registry.db\n"
                  "  - id: spawner-registry\n"
                  "  - id: file-distribution\n"
                  "    config:\n"
                  "      dir: {{DIR}}/files\n"
                  "  - id: dashboard-sse\n"
                  "    config:\n"
                  "      web_root: {{SOURCE_DIR}}/web\n"
                  "  - id: metrics\n");
}

// The value of one sample line ("name{labels} value"), or -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class MetricsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = std::make_unique<TestHost>(Yaml(), StandardEnv());
    std::filesystem::create_directories(host_->dir()->path() / "files");
    // The smallest valid zip: an empty end-of-central-directory record.
    host_->dir()->Write("files/game_server.zip",
                        std::string("PK\x05\x06", 4) + std::string(18, '\0'));
    ASSERT_TRUE(host_->Start()) << host_->Output();
    port_ = host_->port();
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }
  HttpResponse Scrape() {
    return Fetch(port_, "GET", "/metrics", "",
                 {{"Authorization", std::string("Bearer ") + kOperatorKey}});
  }

  std::unique_ptr<TestHost> host_;
  std::uint16_t port_ = 0;
};

TEST_F(MetricsE2e, OperatorKeysAndSignedInUsersScrapeOthersDoNot) {
  HttpResponse bearer = Scrape();
  EXPECT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(bearer.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(Fetch(port_, "GET", "/metrics", "", {{"X-API-Key", kOperatorKey}}).status, 200);
  EXPECT_EQ(Fetch(port_, "GET", "/metrics").status, 401);
  // The fleet's shared key is a spawner's: no metrics for a compromised game host.
  EXPECT_EQ(
      Fetch(port_, "GET", "/metrics", "", {{"Authorization", std::string("Bearer ") + kMasterKey}})
          .status,
      403);
  auto session = SignIn(port_, kAdminEmail, kAdminPassword);
  EXPECT_EQ(Fetch(port_, "GET", "/metrics", "", SessionHeaders(session)).status, 200);
}

TEST_F(MetricsE2e, CountsTheFleetByRoutePatternAndPassesPromtool) {
  sr::test::HttpClient::Headers spawner{{"X-API-Key", kMasterKey}};
  HttpResponse registered =
      Fetch(port_, "POST", "/api/spawners",
            R"({"region":"eu-west","host":"127.0.0.1","port":7777,"max_instances":4})",
            {{"X-API-Key", kMasterKey}, {"Content-Type", "application/json"}});
  ASSERT_EQ(registered.status, 201) << registered.body;
  for (int i = 0; i < 3; ++i) {
    HttpResponse beat = Fetch(port_, "POST", "/api/spawners/1/heartbeat",
                              R"({"current_instances":1,"max_instances":4,"status":"active"})",
                              {{"X-API-Key", kMasterKey}, {"Content-Type", "application/json"}});
    ASSERT_EQ(beat.status, 200) << beat.body;
  }
  EXPECT_EQ(Fetch(port_, "GET", "/api/spawners/download", "", spawner).status, 200);
  EXPECT_EQ(Fetch(port_, "GET", "/no/such/page/42").status, 404);

  std::string text = Scrape().body;
  EXPECT_EQ(Sample(text, "spawner_registry_heartbeats_total"), 3) << text;
  EXPECT_EQ(Sample(text, "spawner_registry_registrations_total"), 1);
  EXPECT_EQ(Sample(text, "spawner_registry_spawners{region=\"eu-west\",health=\"healthy\"}"), 1);
  EXPECT_EQ(Sample(text, "spawner_registry_download_bytes_total"), 22);
  EXPECT_EQ(Sample(text,
                   "spawner_registry_http_requests_total{route=\"/api/spawners/{id}/heartbeat\","
                   "method=\"POST\",status=\"200\"}"),
            3);
  EXPECT_EQ(Sample(text,
                   "spawner_registry_http_requests_total{route=\"unmatched\",method=\"GET\","
                   "status=\"404\"}"),
            1);
  EXPECT_GE(Sample(text,
                   "spawner_registry_http_request_duration_seconds_count{route=\"/api/spawners/"
                   "{id}/heartbeat\"}"),
            3);
  EXPECT_GE(Sample(text, "spawner_registry_store_commit_seconds_count"), 1);
  EXPECT_EQ(Sample(text, "spawner_registry_dashboard_sse_clients"), 0);
  // Route patterns only: no raw path, no id, ever becomes a label.
  EXPECT_EQ(text.find("/api/spawners/1"), std::string::npos);
  EXPECT_EQ(text.find("/no/such"), std::string::npos);
  EXPECT_GT(Sample(text, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(Sample(text, "process_open_fds"), 3);
  EXPECT_GE(Sample(text, "process_cpu_seconds_total"), 0);
  EXPECT_GT(Sample(text, "process_start_time_seconds"), 1.7e9);

  std::filesystem::path file = host_->dir()->Write("metrics.txt", text);
  if (std::system("command -v promtool > /dev/null 2>&1") != 0) {
    GTEST_SKIP()
        << "promtool is not installed (Debian package prometheus; scripts/setup.sh --test)";
  }
  std::string command = "promtool check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  int status = ::pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output << "\n" << text;
  EXPECT_EQ(output, "") << "promtool's lint found problems";
}

}  // namespace
}  // namespace sr::metrics_plugin
