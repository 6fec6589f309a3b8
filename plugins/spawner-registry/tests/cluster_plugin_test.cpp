// The built spawner-registry plugin in cluster mode under two fake hosts (sr::testing::FakeHost)
// that share one in-memory kv-store version 2 (sr::testing::FakeClusterKv): the HTTP answers
// of registrations (drawn on a worker task), heartbeats and deletions on either master, an
// unreachable database, and the config rule of cluster mode.
#include <dlfcn.h>

#include <gtest/gtest.h>
#include <sr/services/kv_store.h>
#include <sr/testing/fake_cluster_kv.hpp>
#include <sr/testing/fake_host.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>

namespace {

using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;
using sr::testing::FakeHost;
using sr::testing::FakeResponse;

constexpr std::string_view kRegistration =
    R"({"region":"eu","host":"10.0.0.1","port":7777,"max_instances":8})";

// The built plugin, loaded once per test; closed after the hosts that use it are gone.
class PluginLibrary {
 public:
  PluginLibrary() : handle_(dlopen(SR_TEST_REGISTRY_PLUGIN, RTLD_NOW | RTLD_LOCAL)) {}
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;
  ~PluginLibrary() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  const sr_plugin_descriptor* descriptor() const {
    if (handle_ == nullptr) return nullptr;
    auto* entry = reinterpret_cast<const sr_plugin_descriptor* (*)()>(
        dlsym(handle_, SR_PLUGIN_ENTRY_SYMBOL));
    return entry == nullptr ? nullptr : entry();
  }

 private:
  void* handle_;
};

// One master: its connection to the database and its host (destroyed first: the plugin's
// watch ends before the connection does).
struct Master {
  Master(FakeClusterDatabase& db, const std::string& name, std::string config)
      : kv(db, name), host(std::move(config)) {
    host.ProvideService(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION, &kv.v1());
    host.SetMissingGuards(FakeHost::AllowAllGuards({}));  // no auth plugin: no restriction
  }

  // Serves a request whose handler hands its work to a worker task: the call waits on
  // another thread while this one runs the tasks that fall due.
  FakeResponse CallRunningTasks(std::string_view method, std::string_view path,
                                std::string_view body) {
    auto call = std::async(std::launch::async, [&] { return host.Call(method, path, body); });
    while (call.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
      host.RunDueTasks(std::chrono::milliseconds(0));
    }
    return call.get();
  }

  FakeClusterKv kv;
  FakeHost host;
};

struct SpawnerRegistryClusterPluginTest : ::testing::Test {
  void SetUp() override {
    ASSERT_NE(library.descriptor(), nullptr) << dlerror();
    for (Master* master : {&a, &b}) {
      ASSERT_TRUE(master->host.Load(library.descriptor()).ok());
      ASSERT_TRUE(master->host.Start().ok());
    }
  }

  PluginLibrary library;
  FakeClusterDatabase db;
  Master a{db, "a", R"({"heartbeat_flush_interval": "100ms"})"};
  Master b{db, "b", R"({"heartbeat_flush_interval": "100ms"})"};
};

TEST_F(SpawnerRegistryClusterPluginTest, EveryMasterServesWhatAnyMasterChanged) {
  FakeResponse registered = a.CallRunningTasks("POST", "/api/spawners", kRegistration);
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_EQ(registered.body.rfind(R"({"id":1,"token":"srt_1_)", 0), 0u) << registered.body;
  EXPECT_EQ(b.CallRunningTasks("POST", "/api/spawners", kRegistration).body.rfind(R"({"id":2,)", 0),
            0u);

  b.kv.Sync();
  EXPECT_EQ(b.host.Call("GET", "/api/spawners/1").status, 200);
  EXPECT_EQ(b.host.Published().front().topic, "spawner.registered");
  FakeResponse heartbeat =
      b.host.Call("POST", "/api/spawners/1/heartbeat", R"({"current_instances":4})");
  EXPECT_EQ(heartbeat.status, 200) << heartbeat.body;
  b.host.RunDueTasks(std::chrono::milliseconds(100));  // the write-behind
  a.kv.Sync();
  FakeResponse on_a = a.host.Call("GET", "/api/spawners/1");
  EXPECT_NE(on_a.body.find(R"("current_instances":4)"), std::string::npos) << on_a.body;

  EXPECT_EQ(a.host.Call("DELETE", "/api/spawners/1").status, 200);
  b.kv.Sync();
  EXPECT_EQ(b.host.Call("GET", "/api/spawners/1").status, 404);
  EXPECT_EQ(b.host.Published().back().topic, "spawner.removed");
}

// A heartbeat naming a spawner nobody holds reads the store once, then is answered from
// memory (for Registry::kMissTtlMs), until the registration's change arrives.
TEST_F(SpawnerRegistryClusterPluginTest, AnUnknownSpawnerCostsOneReadUntilItIsRegistered) {
  constexpr std::string_view kHeartbeat = R"({"current_instances":1})";
  const std::uint64_t reads = b.kv.gets();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(b.host.Call("POST", "/api/spawners/1/heartbeat", kHeartbeat).status, 404);
  }
  EXPECT_EQ(b.kv.gets(), reads + 1);
  FakeResponse registered = a.CallRunningTasks("POST", "/api/spawners", kRegistration);
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_EQ(registered.body.rfind(R"({"id":1,)", 0), 0u) << registered.body;
  b.kv.Sync();
  FakeResponse heartbeat = b.host.Call("POST", "/api/spawners/1/heartbeat", kHeartbeat);
  EXPECT_EQ(heartbeat.status, 200) << heartbeat.body;
}

TEST_F(SpawnerRegistryClusterPluginTest, AnUnreachableDatabaseRefusesChangesButNotHeartbeats) {
  ASSERT_EQ(a.CallRunningTasks("POST", "/api/spawners", kRegistration).status, 201);
  db.SetReachable(false);
  FakeResponse refused = a.CallRunningTasks("POST", "/api/spawners", kRegistration);
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("the registration could not be stored"), std::string::npos)
      << refused.body;
  FakeResponse not_deleted = a.host.Call("DELETE", "/api/spawners/1");
  EXPECT_EQ(not_deleted.status, 503);
  EXPECT_NE(not_deleted.body.find("the deletion could not be stored"), std::string::npos)
      << not_deleted.body;
  EXPECT_EQ(a.host.Call("POST", "/api/spawners/1/heartbeat", R"({"current_instances":6})").status,
            200);
  a.host.RunDueTasks(std::chrono::milliseconds(100));  // refused: kept for later
  EXPECT_EQ(db.Rows("spawners").begin()->second.find(R"("current_instances":6)"),
            std::string::npos);

  db.SetReachable(true);
  a.host.RunDueTasks(std::chrono::milliseconds(100));
  EXPECT_NE(db.Rows("spawners").begin()->second.find(R"("current_instances":6)"),
            std::string::npos);
}

TEST(SpawnerRegistryClusterPluginConfig, HeartbeatsMustBeWrittenAtLeastEverySecond) {
  PluginLibrary library;
  ASSERT_NE(library.descriptor(), nullptr) << dlerror();
  FakeClusterDatabase db;
  Master slow(db, "slow", R"({"heartbeat_flush_interval": "2s"})");
  sr::testing::LifecycleResult loaded = slow.host.Load(library.descriptor());
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error.find("heartbeat_flush_interval (2000 ms) must be at most 1s"),
            std::string::npos)
      << loaded.error;
}

}  // namespace
