// Every refusal of the issue through the real executable: 400 with a JSON error that names
// the field, 404 for unknown ids, 413 beyond the body limit. One host serves the suite.
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace sr::spawner_registry::testing {
namespace {

using sr::test::HttpClient;
using sr::test::TestHost;

class SpawnerRegistryValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ = new TestHost(RegistryYaml(false));
    ASSERT_TRUE(host_->Start()) << host_->Output();
    HttpClient client(host_->port());
    known_id_ = RegisterSpawner(client);
  }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }

  // The error message of a 400, or a failure.
  static std::string BadRequest(const std::string& method, const std::string& path,
                                const std::string& body) {
    HttpClient client(host_->port());
    auto response = client.Request(method, path, body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 400) << method << " " << path << " " << body;
    EXPECT_EQ(response.Header("Content-Type"), "application/json");
    rapidjson::Document error = ParseJson(response.body);
    if (!error.IsObject() || !error.HasMember("error") || !error["error"].IsString()) return {};
    return error["error"].GetString();
  }

  static TestHost* host_;
  static std::uint64_t known_id_;
};

TestHost* SpawnerRegistryValidationTest::host_ = nullptr;
std::uint64_t SpawnerRegistryValidationTest::known_id_ = 0;

std::string Registration(const std::string& replace_field, const std::string& json_value) {
  std::string body = R"({"region":"eu","host":"10.0.0.1","port":7777,"max_instances":10,)"
                     R"("current_instances":0,"status":"idle"})";
  std::string key = "\"" + replace_field + "\":";
  std::size_t at = body.find(key);
  std::size_t end = body.find_first_of(",}", at + key.size());
  if (body[at + key.size()] == '"') end = body.find('"', at + key.size() + 1) + 1;
  return body.replace(at + key.size(), end - at - key.size(), json_value);
}

struct Case {
  std::string name;
  std::string body;
  std::string names;  // what the message must contain
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class SpawnerRegistryRegistrationValidationTest : public SpawnerRegistryValidationTest,
                                                  public ::testing::WithParamInterface<Case> {};

TEST_P(SpawnerRegistryRegistrationValidationTest, IsRefusedNamingTheField) {
  std::string error = BadRequest("POST", "/api/spawners", GetParam().body);
  EXPECT_NE(error.find(GetParam().names), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, SpawnerRegistryRegistrationValidationTest,
    ::testing::Values(
        Case{"RegionNotString", Registration("region", "7"), "region must be a string"},
        Case{"RegionTooLong", Registration("region", "\"" + std::string(65, 'r') + "\""), "region"},
        Case{"HostEmpty", Registration("host", "\"\""), "host must not be empty"},
        Case{"HostTooLong", Registration("host", "\"" + std::string(256, 'h') + "\""), "host"},
        Case{"HostNotString", Registration("host", "[\"a\"]"), "host must be a string"},
        Case{"PortZero", Registration("port", "0"), "port"},
        Case{"PortTooLarge", Registration("port", "65536"), "port"},
        Case{"PortString", Registration("port", "\"80\""), "port must be an integer"},
        Case{"PortFraction", Registration("port", "80.5"), "port must be an integer"},
        Case{"MaxNegative", Registration("max_instances", "-1"), "max_instances"},
        Case{"MaxTooLarge", Registration("max_instances", "1000001"), "max_instances"},
        Case{"MaxNull", Registration("max_instances", "null"), "max_instances must be an integer"},
        Case{"CurrentNegative", Registration("current_instances", "-3"), "current_instances"},
        Case{"CurrentTooLarge", Registration("current_instances", "100001"), "current_instances"},
        Case{"StatusTooLong", Registration("status", "\"" + std::string(33, 's') + "\""), "status"},
        Case{"StatusNotString", Registration("status", "false"), "status must be a string"},
        Case{"UnknownField",
             R"({"region":"eu","host":"h","port":1,"max_instances":1,"admin":true})",
             "unknown field 'admin'"},
        Case{"MissingField", R"({"region":"eu","host":"h","port":1})",
             "missing field 'max_instances'"},
        Case{"TrailingGarbage", Registration("status", "\"idle\"") + "garbage", "unexpected data"},
        Case{"TrailingObject", Registration("status", "\"idle\"") + "{\"second\":1}",
             "unexpected data"},
        Case{"ArrayBody", "[]", "JSON object"}, Case{"EmptyBody", "", "JSON object"},
        Case{"TruncatedJson", "{\"region\":", "invalid JSON"},
        Case{"InvalidUtf8", Registration("region", "\"\xc3\x28\""), "UTF-8"}),
    [](const auto& test_info) { return test_info.param.name; });

TEST_F(SpawnerRegistryValidationTest, HeartbeatBodiesAreValidated) {
  std::string path = SpawnerPath(known_id_, "/heartbeat");
  EXPECT_NE(BadRequest("POST", path, R"({"current_instances":"3"})").find("current_instances"),
            std::string::npos);
  EXPECT_NE(BadRequest("POST", path, R"({"max_instances":-2})").find("max_instances"),
            std::string::npos);
  EXPECT_NE(BadRequest("POST", path, R"({"status":"x","extra":1})").find("unknown field 'extra'"),
            std::string::npos);
  EXPECT_NE(BadRequest("POST", path, R"({"status":"ok"} trailing)").find("unexpected data"),
            std::string::npos);
  EXPECT_NE(BadRequest("POST", path, "").find("JSON object"), std::string::npos);
}

TEST_F(SpawnerRegistryValidationTest, BadIdsAre400OnEveryRoute) {
  for (const std::string id :
       {"abc", "0", "-1", "+1", "01", "007", "1.5", "99999999999999999999999"}) {
    for (auto [method, suffix] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"DELETE", ""}, {"POST", "/heartbeat"}, {"POST", "/spawn"}}) {
      std::string error = BadRequest(method, "/api/spawners/" + id + suffix, "{}");
      EXPECT_NE(error.find("invalid spawner id"), std::string::npos) << id << suffix;
    }
  }
}

TEST_F(SpawnerRegistryValidationTest, UnknownIdsAre404) {
  HttpClient client(host_->port());
  EXPECT_EQ(client.Post(SpawnerPath(known_id_ + 1000, "/heartbeat"), "{}").status, 404);
  EXPECT_EQ(client.Get(SpawnerPath(known_id_ + 1000)).status, 404);
}

TEST_F(SpawnerRegistryValidationTest, BodiesOverTheLimitAre413) {
  HttpClient client(host_->port());
  std::string big = R"({"status":")" + std::string(20000, 's') + R"("})";
  EXPECT_EQ(client.Post(SpawnerPath(known_id_, "/heartbeat"), big).status, 413);
  EXPECT_EQ(client.Post("/api/spawners", big).status, 413);
}

TEST_F(SpawnerRegistryValidationTest, RefusalsChangeNothing) {
  HttpClient client(host_->port());
  auto before = client.Get("/api/spawners").body;
  client.Post("/api/spawners", Registration("port", "0"));
  client.Post(SpawnerPath(known_id_, "/heartbeat"), R"({"current_instances":-1})");
  EXPECT_EQ(client.Get("/api/spawners").body.size(), before.size());
}

}  // namespace
}  // namespace sr::spawner_registry::testing
