// sr::KvStore, the SDK's C++ client of the "kv-store" service, against the real provider.
#include <sr/services/kv_store.hpp>

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kv_store_service.h"
#include "store_test_util.h"

namespace sr::sqlite_store {
namespace {

struct KvStoreClientTest : ::testing::Test {
  KvStore store{testing::MemoryOptions()};
  KvStoreService service{store};
  sr::KvStore client{*service.vtable()};

  std::vector<std::string> Keys(sr_kv_namespace* ns, std::string_view start = {},
                                std::string_view end = {}, std::uint32_t limit = 0,
                                bool reverse = false) {
    std::vector<std::string> keys;
    client.Scan(ns, start, end, limit, reverse, [&](std::string_view key, std::string_view) {
      keys.emplace_back(key);
      return true;
    });
    return keys;
  }
};

TEST_F(KvStoreClientTest, WritesReadsAndDeletes) {
  sr_kv_namespace* users = client.Open("users");
  EXPECT_EQ(client.Open("users"), users);  // cached
  client.Write({sr::KvStore::Put(users, "1", "alice"), sr::KvStore::Put(users, "2", "bob")});
  EXPECT_EQ(client.Get(users, "1"), "alice");
  EXPECT_EQ(client.Get(client.Open("other"), "1"), std::nullopt);  // namespaces are apart
  client.Write({sr::KvStore::Delete(users, "1")});
  EXPECT_EQ(client.Get(users, "1"), std::nullopt);
  EXPECT_EQ(client.Get(users, "2"), "bob");
  client.Write({});  // an empty batch is nothing to do
}

TEST_F(KvStoreClientTest, ScansInOrderWithBoundsLimitReverseAndEarlyStop) {
  sr_kv_namespace* ns = client.Open("rows");
  client.Write({sr::KvStore::Put(ns, "a", "1"), sr::KvStore::Put(ns, "b", "2"),
                sr::KvStore::Put(ns, "c", "3"), sr::KvStore::Put(ns, "d", "4")});
  EXPECT_EQ(Keys(ns), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Keys(ns, "b", "d"), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Keys(ns, {}, {}, 2, true), (std::vector<std::string>{"d", "c"}));
  int visited = 0;
  client.Scan(ns, {}, {}, 0, false,
              [&](std::string_view, std::string_view) { return ++visited < 2; });
  EXPECT_EQ(visited, 2);
}

TEST_F(KvStoreClientTest, AVisitorsExceptionStopsTheScanAndReachesTheCaller) {
  sr_kv_namespace* ns = client.Open("rows");
  client.Write({sr::KvStore::Put(ns, "a", "1"), sr::KvStore::Put(ns, "b", "2")});
  int visited = 0;
  EXPECT_THROW(client.Scan(ns, {}, {}, 0, false,
                           [&](std::string_view, std::string_view) -> bool {
                             ++visited;
                             throw std::logic_error("stop");
                           }),
               std::logic_error);
  EXPECT_EQ(visited, 1);
}

TEST_F(KvStoreClientTest, FailuresThrowWithTheOperationAndStatus) {
  try {
    client.Open("Not Valid");
    FAIL() << "an invalid namespace name was accepted";
  } catch (const sr::KvStoreError& e) {
    EXPECT_NE(std::string(e.what()).find("opening the namespace 'Not Valid' failed (status"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(KvStoreClientTest, AsyncWritesReportOnceOnTheWriterThread) {
  sr_kv_namespace* ns = client.Open("async");
  std::promise<std::pair<bool, std::string>> outcome;
  client.WriteAsync({sr::KvStore::Put(ns, "k", "v")}, [&](bool ok, const std::string& message) {
    outcome.set_value({ok, message});
  });
  auto [ok, message] = outcome.get_future().get();
  EXPECT_TRUE(ok) << message;
  EXPECT_EQ(client.Get(ns, "k"), "v");
}

TEST_F(KvStoreClientTest, ARefusedAsyncWriteReportsBeforeReturning) {
  bool called = false;
  std::string reason;
  // A batch without a namespace is refused before it is queued: the provider never calls back.
  client.WriteAsync({sr::KvStore::Put(nullptr, "k", "v")}, [&](bool ok, const std::string& m) {
    EXPECT_FALSE(ok);
    called = true;
    reason = m;
  });
  EXPECT_TRUE(called);
  EXPECT_NE(reason.find("refused the write (status"), std::string::npos) << reason;
}

TEST_F(KvStoreClientTest, HealthAndLastErrorComeFromTheProvider) {
  EXPECT_TRUE(client.Healthy());
  EXPECT_EQ(client.LastError(), "");
}

TEST(KvStoreClientVersionTest, ATableWithoutTheVersion1FunctionsIsRefused) {
  sr_kv_store_v1 old{};
  old.struct_size = offsetof(sr_kv_store_v1, healthy);
  EXPECT_THROW(sr::KvStore{old}, sr::KvStoreError);
}

}  // namespace
}  // namespace sr::sqlite_store
