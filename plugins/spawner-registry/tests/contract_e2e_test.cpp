// The wire contract (docs/wire-contract.md) through the real executable, as spawners in the
// field speak it: exact bodies, status codes and field names.
#include <gtest/gtest.h>

#include <set>

#include "e2e_support.h"

#include <zlib.h>
#include "fake_spawner.h"

namespace sr::spawner_registry::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::HttpClient;
using sr::test::TestHost;

const std::set<std::string> kSpawnerFields = {"id",     "region",        "host",
                                              "port",   "max_instances", "current_instances",
                                              "status", "last_seen",     "health"};

// RFC 3339 UTC with milliseconds: 2026-11-25T21:01:11.123Z.
bool IsRfc3339Millis(const std::string& text) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

std::set<std::string> FieldsOf(const rapidjson::Value& object) {
  std::set<std::string> fields;
  for (const auto& member : object.GetObject()) fields.insert(member.name.GetString());
  return fields;
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out(1 << 22, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = inflate(&stream, Z_FINISH);
  out.resize(result == Z_STREAM_END ? stream.total_out : 0);
  inflateEnd(&stream);
  return out;
}

class SpawnerRegistryContractTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    host_ = std::make_unique<TestHost>(RegistryYaml(GetParam(),
                                                    "      spawn_connect_timeout: 300ms\n"
                                                    "      spawn_timeout: 600ms\n"));
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  void TearDown() override {
    if (host_ != nullptr && host_->Running()) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }

  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

// {"id": N, "token": "srt_<N>_<43 base64url characters>"}: agents that read only "id" are
// unaffected by the token.
void ExpectRegistered(const sr::test::HttpResponse& response, std::uint64_t id) {
  EXPECT_EQ(response.status, 201) << response.body;
  rapidjson::Document body = ParseJson(response.body);
  ASSERT_TRUE(body.IsObject()) << response.body;
  EXPECT_EQ(FieldsOf(body), (std::set<std::string>{"id", "token"}));
  EXPECT_EQ(body["id"].GetUint64(), id);
  std::string token = body["token"].GetString();
  std::string prefix = "srt_" + std::to_string(id) + "_";
  EXPECT_EQ(token.rfind(prefix, 0), 0u) << token;
  EXPECT_EQ(token.size(), prefix.size() + 43) << token;
}

TEST_P(SpawnerRegistryContractTest, RegistrationAnswersTheNewIdAndItsToken) {
  auto first = client_->Post("/api/spawners", RegistrationBody(7001));
  ExpectRegistered(first, 1);
  EXPECT_EQ(first.body.rfind("{\"id\":1,\"token\":\"srt_1_", 0), 0u) << first.body;
  EXPECT_EQ(first.Header("Content-Type"), "application/json");
  auto second = client_->Post("/api/spawners", RegistrationBody(7002));
  ExpectRegistered(second, 2);
  EXPECT_NE(ParseJson(first.body)["token"].GetString(),
            std::string(ParseJson(second.body)["token"].GetString()));
}

TEST_P(SpawnerRegistryContractTest, HeartbeatsAnswerOkAndShowInTheSpawner) {
  std::uint64_t id = RegisterSpawner(*client_);
  auto heartbeat = client_->Post(SpawnerPath(id, "/heartbeat"),
                                 R"({"current_instances":4,"max_instances":12,"status":"busy"})");
  EXPECT_EQ(heartbeat.status, 200);
  EXPECT_EQ(heartbeat.body, "{\"status\":\"ok\"}");
  auto got = client_->Get(SpawnerPath(id));
  ASSERT_EQ(got.status, 200);
  rapidjson::Document spawner = ParseJson(got.body);
  EXPECT_EQ(FieldsOf(spawner), kSpawnerFields);
  EXPECT_EQ(spawner["id"].GetUint64(), id);
  EXPECT_STREQ(spawner["region"].GetString(), "eu-west");
  EXPECT_STREQ(spawner["host"].GetString(), "127.0.0.1");
  EXPECT_EQ(spawner["port"].GetInt(), 7777);
  EXPECT_EQ(spawner["max_instances"].GetInt(), 12);
  EXPECT_EQ(spawner["current_instances"].GetInt(), 4);
  EXPECT_STREQ(spawner["status"].GetString(), "busy");
  EXPECT_STREQ(spawner["health"].GetString(), "healthy");
  EXPECT_TRUE(IsRfc3339Millis(spawner["last_seen"].GetString()))
      << spawner["last_seen"].GetString();
}

TEST_P(SpawnerRegistryContractTest, TheListHoldsEverySpawnerInIdOrder) {
  auto empty = client_->Get("/api/spawners");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "[]");
  for (int i = 0; i < 5; ++i) RegisterSpawner(*client_, static_cast<std::uint16_t>(7000 + i));
  auto list = client_->Get("/api/spawners");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Header("Content-Type"), "application/json");
  rapidjson::Document spawners = ParseJson(list.body);
  ASSERT_TRUE(spawners.IsArray());
  ASSERT_EQ(spawners.Size(), 5u);
  for (rapidjson::SizeType i = 0; i < spawners.Size(); ++i) {
    EXPECT_EQ(FieldsOf(spawners[i]), kSpawnerFields);
    EXPECT_EQ(spawners[i]["id"].GetUint64(), i + 1);
  }
}

TEST_P(SpawnerRegistryContractTest, ALargeListIsGzippedForClientsThatAcceptIt) {
  for (int i = 0; i < 100; ++i) RegisterSpawner(*client_, static_cast<std::uint16_t>(7000 + i));
  auto plain = client_->Get("/api/spawners");
  ASSERT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.HasHeader("Content-Encoding"));
  auto compressed = client_->Get("/api/spawners", {{"Accept-Encoding", "br, gzip"}});
  ASSERT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(compressed.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(compressed.Header("Content-Type"), "application/json");
  EXPECT_LT(compressed.body.size(), plain.body.size() / 4);
  EXPECT_EQ(Gunzip(compressed.body), plain.body);
}

TEST_P(SpawnerRegistryContractTest, DeletionAnswersDeletedThenTheIdIsGone) {
  std::uint64_t id = RegisterSpawner(*client_);
  auto deleted = client_->Request("DELETE", SpawnerPath(id));
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, "{\"message\":\"deleted\"}");
  EXPECT_EQ(client_->Get(SpawnerPath(id)).status, 404);
  EXPECT_EQ(client_->Request("DELETE", SpawnerPath(id)).status, 404);
  // A spawner whose heartbeat gets 404 registers again, and gets a new id.
  auto heartbeat = client_->Post(SpawnerPath(id, "/heartbeat"), "{}");
  EXPECT_EQ(heartbeat.status, 404);
  EXPECT_EQ(ParseJson(heartbeat.body)["error"].GetString(),
            "spawner " + std::to_string(id) + " not found");
  EXPECT_GT(RegisterSpawner(*client_), id);
  EXPECT_EQ(client_->Get("/api/spawners").body.find("\"id\":" + std::to_string(id) + ","),
            std::string::npos);
}

TEST_P(SpawnerRegistryContractTest, UnknownIdsAre404Everywhere) {
  for (auto [method, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"GET", ""}, {"DELETE", ""}, {"POST", "/heartbeat"}, {"POST", "/spawn"}}) {
    auto response = client_->Request(method, SpawnerPath(424242, suffix), "{}",
                                     {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 404) << method << " " << suffix;
    EXPECT_TRUE(ParseJson(response.body).HasMember("error"));
  }
}

TEST_P(SpawnerRegistryContractTest, SpawnPassesTheSpawnersAnswerThrough) {
  FakeSpawner spawner({200, "application/vnd.game+json", R"({"instance":"i-9","port":27015})"});
  std::uint64_t id = RegisterSpawner(*client_, spawner.port());
  auto response = client_->Post(SpawnerPath(id, "/spawn"), R"({"map":"de_dust2"})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"instance":"i-9","port":27015})");
  EXPECT_EQ(response.Header("Content-Type"), "application/vnd.game+json");
  auto requests = spawner.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("POST /spawn HTTP/1.1", 0), 0u);
  EXPECT_NE(requests[0].find(R"({"map":"de_dust2"})"), std::string::npos);
}

TEST_P(SpawnerRegistryContractTest, SpawnKeepsTheSpawnersErrorStatus) {
  FakeSpawner spawner({409, "application/json", R"({"error":"no free slot"})"});
  std::uint64_t id = RegisterSpawner(*client_, spawner.port());
  auto response = client_->Post(SpawnerPath(id, "/spawn"), "{}");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(response.body, R"({"error":"no free slot"})");
}

TEST_P(SpawnerRegistryContractTest, SpawnToAClosedPortIs502) {
  std::uint64_t id = RegisterSpawner(*client_, ClosedPort());
  auto response = client_->Post(SpawnerPath(id, "/spawn"), "{}");
  EXPECT_EQ(response.status, 502);
  rapidjson::Document error = ParseJson(response.body);
  ASSERT_TRUE(error.HasMember("error"));
  EXPECT_NE(std::string(error["error"].GetString()).find("unreachable"), std::string::npos);
}

TEST_P(SpawnerRegistryContractTest, SpawnToASilentSpawnerIs504WithinTheTimeout) {
  FakeSpawner spawner({}, /*silent=*/true);
  std::uint64_t id = RegisterSpawner(*client_, spawner.port());
  auto start = std::chrono::steady_clock::now();
  auto response = client_->Post(SpawnerPath(id, "/spawn"), "{}");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(response.status, 504) << response.body;
  EXPECT_TRUE(ParseJson(response.body).HasMember("error"));
  EXPECT_GE(waited, 550ms);
  EXPECT_LT(waited, 5s);
  // The registry kept serving meanwhile.
  EXPECT_EQ(client_->Get(SpawnerPath(id)).status, 200);
}

TEST_P(SpawnerRegistryContractTest, BodiesOverTheLimitAre413) {
  std::string huge = R"({"region":")" + std::string(32 << 10, 'x') + R"("})";
  auto response = client_->Post("/api/spawners", huge);
  EXPECT_EQ(response.status, 413);
  EXPECT_TRUE(ParseJson(response.body).HasMember("error"));
}

TEST_P(SpawnerRegistryContractTest, StartUpSaysWhetherSpawnersArePersisted) {
  std::string output = host_->Output();
  if (GetParam()) {
    EXPECT_NE(output.find("persistent (kv-store)"), std::string::npos) << output;
  } else {
    EXPECT_NE(output.find("running in memory"), std::string::npos) << output;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SpawnerRegistryContractTest, ::testing::Values(true, false),
                         [](const auto& test_info) {
                           return test_info.param ? "Sqlite" : "InMemory";
                         });

TEST(SpawnerRegistryStoreFailureTest, AFullDatabaseGives503AndChangesNothing) {
  TestHost host(RegistryYaml(true, "", "      max_size: 64KiB\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  std::uint64_t registered = 0;
  sr::test::HttpResponse refused;
  for (int i = 0; i < 5000; ++i) {
    refused = client.Post("/api/spawners",
                          RegistrationBody(static_cast<std::uint16_t>(1000 + i % 60000)));
    if (refused.status != 201) break;
    ++registered;
  }
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(ParseJson(refused.body)["error"].GetString(), std::string());
  EXPECT_NE(refused.body.find("full"), std::string::npos) << refused.body;
  rapidjson::Document list = ParseJson(client.Get("/api/spawners").body);
  EXPECT_EQ(list.Size(), registered);  // the refused one is nowhere
  EXPECT_EQ(client.Post(SpawnerPath(1, "/heartbeat"), "{}").status, 200);
  EXPECT_EQ(client.Get(SpawnerPath(1)).status, 200);
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::spawner_registry::testing
