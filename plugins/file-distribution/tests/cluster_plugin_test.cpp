// The plugin on two masters of a cluster, each in the SDK's fake host with its own folder,
// over one in-memory shared database (sr/testing/fake_cluster_kv.hpp): the routes and the
// events as operators and spawners see them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <sr/services/kv_store.hpp>
#include <sr/testing/fake_cluster_kv.hpp>
#include <sr/testing/fake_host.hpp>

#include "cluster_rows.h"
#include "sha256.h"
#include "temp_dir.h"
#include "zip_builder.h"

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);  // file-distribution

namespace sr::file_distribution::testing {
namespace {

using namespace std::chrono_literals;
using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;
using sr::testing::FakeHost;
using sr::testing::FakeResponse;

std::string Member(const std::string& json, const char* name) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  if (!document.IsObject() || !document.HasMember(name)) return {};
  const rapidjson::Value& value = document[name];
  if (value.IsString()) return value.GetString();
  if (value.IsNull()) return "null";
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  return "?";
}

// One master: the fake host runs its one-shot tasks (the fetch) on a thread of its own, as
// the host's workers would, while a request waits for its deferred answer.
class FakeMaster {
 public:
  FakeMaster(FakeClusterDatabase& database, const std::string& name, const sr::test::TempDir& dir)
      : kv_(database, name) {
    host_.SetMaxBodyBytes(16 << 20);
    host_.SetMissingGuards(FakeHost::AllowAllGuards({{"user", "ann"}, {"role", "admin"}}));
    host_.ProvideService(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION_2, &kv_.v2());
    std::string config = R"({"dir": ")" + (dir.path() / name).string() + R"("})";
    EXPECT_TRUE(host_.Load(sr_plugin_entry_v1(), config).ok());
    EXPECT_TRUE(host_.Start().ok());
    pump_ = std::thread([this] {
      while (!stop_.load()) {
        host_.RunDueTasks(0ms);
        std::this_thread::sleep_for(1ms);
      }
    });
  }
  FakeMaster(const FakeMaster&) = delete;
  FakeMaster& operator=(const FakeMaster&) = delete;
  ~FakeMaster() {
    stop_ = true;
    pump_.join();
    host_.Stop();
  }

  FakeHost& host() { return host_; }
  FakeClusterKv& kv() { return kv_; }

  FakeResponse Upload(const std::string& version, const std::string& zip) {
    FakeResponse created =
        host_.Call("POST", "/api/builds/uploads",
                   R"({"version":")" + version + R"(","size":)" + std::to_string(zip.size()) +
                       R"(,"sha256":")" + Sha256Hex(zip) + R"("})");
    if (created.status != 201) return created;
    const std::string id = Member(created.body, "upload_id");
    FakeResponse chunk = host_.Call("PUT", "/api/builds/uploads/" + id + "?offset=0", zip);
    if (chunk.status != 200) return chunk;
    return host_.Call("POST", "/api/builds/uploads/" + id + "/commit");
  }

  std::vector<std::string> Topics() const {
    std::vector<std::string> topics;
    for (const auto& event : host_.Published()) topics.push_back(event.topic);
    return topics;
  }

 private:
  FakeClusterKv kv_;
  FakeHost host_;
  std::atomic<bool> stop_{false};
  std::thread pump_;
};

class ClusterPluginTest : public ::testing::Test {
 protected:
  FakeClusterDatabase database_;
  sr::test::TempDir dir_;
};

TEST_F(ClusterPluginTest, ABuildUploadedThroughOneMasterIsServedByAnother) {
  FakeMaster a(database_, "a", dir_);
  FakeMaster b(database_, "b", dir_);
  const std::string zip = MakeZipOfSize((5u << 20) / 2, 1);
  FakeResponse committed = a.Upload("1.0.0", zip);
  ASSERT_EQ(committed.status, 201) << committed.body;
  EXPECT_NE(committed.body.find(R"("current":true)"), std::string::npos) << committed.body;

  b.kv().Sync();
  std::vector<std::string> topics = b.Topics();
  EXPECT_NE(std::find(topics.begin(), topics.end(), "build.uploaded"), topics.end());
  EXPECT_NE(std::find(topics.begin(), topics.end(), "build.activated"), topics.end());
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "audit.record"), 0)
      << "the audit record is the uploading master's";

  FakeResponse list = b.host().Call("GET", "/api/builds");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(Member(list.body, "current"), "1.0.0");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "b/builds/1.0.0.zip"))
      << "listing fetches nothing: the first download does";

  FakeResponse download = b.host().Call("GET", "/api/spawners/download");
  ASSERT_EQ(download.status, 200) << download.body;
  EXPECT_EQ(download.Header("X-Build-Version"), "1.0.0");
  EXPECT_EQ(download.body.size(), zip.size());
  EXPECT_TRUE(download.body == zip);
  EXPECT_EQ(download.Header("ETag"), "\"sha256-" + Sha256Hex(zip) + "\"");
  FakeResponse manifest = b.host().Call("GET", "/api/spawners/download/manifest");
  EXPECT_EQ(Member(manifest.body, "sha256"), Sha256Hex(zip));
}

TEST_F(ClusterPluginTest, TheCurrentBuildSwitchedOnOneMasterIsServedByAnother) {
  FakeMaster a(database_, "a", dir_);
  FakeMaster b(database_, "b", dir_);
  const std::string one = MakeZipOfSize(3000, 2);
  const std::string two = MakeZipOfSize(4000, 3);
  ASSERT_EQ(a.Upload("1.0.0", one).status, 201);
  ASSERT_EQ(a.Upload("2.0.0", two).status, 201);
  b.kv().Sync();
  EXPECT_EQ(b.host().Call("GET", "/api/spawners/download").Header("X-Build-Version"), "2.0.0");

  FakeResponse activated = a.host().Call("POST", "/api/builds/1.0.0/activate");
  ASSERT_EQ(activated.status, 200) << activated.body;
  b.kv().Sync();
  EXPECT_EQ(Member(b.host().Published().back().payload, "previous"), "2.0.0");
  FakeResponse download = b.host().Call("GET", "/api/spawners/download");
  EXPECT_EQ(download.Header("X-Build-Version"), "1.0.0");
  EXPECT_TRUE(download.body == one);
  EXPECT_EQ(Member(b.host().Call("GET", "/api/builds").body, "current"), "1.0.0");
  // And a's own downloads follow its own switch.
  EXPECT_EQ(a.host().Call("GET", "/api/spawners/download").Header("X-Build-Version"), "1.0.0");
}

TEST_F(ClusterPluginTest, ACorruptedBuildIsAnsweredWithAClearErrorAndLogged) {
  FakeMaster a(database_, "a", dir_);
  FakeMaster b(database_, "b", dir_);
  const std::string zip = MakeZipOfSize(3000, 4);
  ASSERT_EQ(a.Upload("1.0.0", zip).status, 201);
  FakeClusterKv tamper(database_, "tamper");
  sr::KvStore store(tamper.v1());
  std::string chunk = database_.Rows(kChunksNamespace).at(ChunkKey(1, 0));
  chunk[10] = static_cast<char>(chunk[10] ^ 1);
  store.Write({sr::KvStore::Put(store.Open(kChunksNamespace), ChunkKey(1, 0), chunk)});
  b.kv().Sync();

  FakeResponse download = b.host().Call("GET", "/api/spawners/download");
  EXPECT_EQ(download.status, 503);
  EXPECT_NE(download.body.find("does not match its SHA-256"), std::string::npos) << download.body;
  EXPECT_TRUE(download.Header("Retry-After").has_value());
  bool logged = false;
  for (const auto& line : b.host().Logs()) {
    if (line.level == SR_LOG_ERROR && line.message.find("does not match") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged);
}

TEST_F(ClusterPluginTest, WithTheDatabaseDownUploadsAnswer503AndDownloadsOnDiskGoOn) {
  FakeMaster a(database_, "a", dir_);
  FakeMaster b(database_, "b", dir_);
  const std::string zip = MakeZipOfSize(3000, 5);
  ASSERT_EQ(a.Upload("1.0.0", zip).status, 201);
  b.kv().Sync();
  ASSERT_EQ(b.host().Call("GET", "/api/spawners/download").status, 200);

  database_.SetReachable(false);
  FakeResponse refused = a.Upload("2.0.0", MakeZipOfSize(3000, 6));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("database is unreachable"), std::string::npos) << refused.body;
  EXPECT_EQ(a.host().Call("POST", "/api/builds/2.0.0/activate").status, 404);
  for (FakeMaster* master : {&a, &b}) {
    FakeResponse download = master->host().Call("GET", "/api/spawners/download");
    EXPECT_EQ(download.status, 200) << download.body;
    EXPECT_TRUE(download.body == zip);
  }
}

TEST_F(ClusterPluginTest, WithoutAClusteredStoreNothingIsShared) {
  sr::test::TempDir dir;
  FakeHost host(R"({"dir": ")" + (dir.path() / "files").string() + R"("})");
  host.SetMissingGuards(FakeHost::AllowAllGuards({{"user", "ann"}, {"role", "admin"}}));
  ASSERT_TRUE(host.Load(sr_plugin_entry_v1()).ok());
  ASSERT_TRUE(host.Start().ok());
  for (const auto& line : host.Logs()) {
    EXPECT_EQ(line.message.find("cluster mode"), std::string::npos) << line.message;
  }
  EXPECT_EQ(host.Call("GET", "/api/spawners/download").status, 404);
}

}  // namespace
}  // namespace sr::file_distribution::testing
