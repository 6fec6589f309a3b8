// sr::testing::FakeClusterKv: the in-memory kv-store version 2 that plugins' cluster-mode unit
// tests share, through the SDK's client (sr::KvStore) as plugins use it.
#include <sr/testing/fake_cluster_kv.hpp>

#include <gtest/gtest.h>
#include <sr/services/kv_store.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;

// One change as a watcher saw it.
using Seen = std::tuple<std::string, std::string, bool>;

struct Recorder {
  std::mutex mutex;
  std::vector<Seen> seen;
  sr::KvStore::ChangeVisitor Visitor() {
    return [this](std::string_view key, std::string_view value, bool deleted) {
      std::lock_guard<std::mutex> lock(mutex);
      seen.emplace_back(std::string(key), std::string(value), deleted);
    };
  }
  std::vector<Seen> Take() {
    std::lock_guard<std::mutex> lock(mutex);
    return std::exchange(seen, {});
  }
};

TEST(FakeClusterKv, IsAVersion2ProviderSharedByItsMasters) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b");
  sr::KvStore store_a(a.v1()), store_b(b.v1());
  EXPECT_TRUE(store_a.clustered());
  sr_kv_namespace* ns = store_a.Open("rows");
  EXPECT_EQ(store_b.Open("rows"), ns);  // one database, one handle
  store_a.Write({sr::KvStore::Put(ns, "b", "2"), sr::KvStore::Put(ns, "a", "1"),
                 sr::KvStore::Put(ns, "c", "3")});
  EXPECT_EQ(store_b.Get(ns, "a"), "1");
  std::vector<std::string> keys;
  store_b.Scan(ns, "b", {}, 0, true, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  EXPECT_EQ(keys, (std::vector<std::string>{"c", "b"}));
  store_b.Write({sr::KvStore::Delete(ns, "a")});
  EXPECT_EQ(store_a.Get(ns, "a"), std::nullopt);
  EXPECT_EQ(db.Rows("rows"), (std::map<std::string, std::string>{{"b", "2"}, {"c", "3"}}));
  // Each master counts its own reads of single keys, found or not, and its scans apart.
  EXPECT_EQ(a.gets(), 1u);
  EXPECT_EQ(b.gets(), 1u);
  EXPECT_EQ(a.scans(), 0u);
  EXPECT_EQ(b.scans(), 1u);
}

TEST(FakeClusterKv, UpdateNeverResurrectsADeletedRow) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b");
  sr::KvStore store_a(a.v1()), store_b(b.v1());
  sr_kv_namespace* ns = store_a.Open("rows");
  store_a.Write({sr::KvStore::Put(ns, "k", "v1")});
  store_b.Write({sr::KvStore::Update(ns, "k", "v2")});
  EXPECT_EQ(store_a.Get(ns, "k"), "v2");
  store_a.Write({sr::KvStore::Delete(ns, "k")});
  store_b.Write({sr::KvStore::Update(ns, "k", "late"), sr::KvStore::Update(ns, "never", "x")});
  EXPECT_EQ(store_a.Get(ns, "k"), std::nullopt);
  EXPECT_TRUE(db.Rows("rows").empty());
}

TEST(FakeClusterKv, SequencesAreClusterWide) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b");
  sr::KvStore store_a(a.v1()), store_b(b.v1());
  EXPECT_EQ(store_a.NextId("ids"), 1u);
  EXPECT_EQ(store_b.NextId("ids"), 2u);
  EXPECT_EQ(store_a.NextId("other"), 1u);
  EXPECT_THROW(store_a.NextId("Bad-Name"), sr::KvStoreError);
}

TEST(FakeClusterKv, WatchesReportOtherMastersChangesInCommitOrderOnSync) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b");
  sr::KvStore store_a(a.v1()), store_b(b.v1());
  sr_kv_namespace* ns = store_a.Open("rows");
  store_a.Write({sr::KvStore::Put(ns, "old", "before the watch")});
  Recorder on_b;
  sr::KvStore::Watch watch = store_b.WatchChanges(ns, on_b.Visitor());
  store_a.Write({sr::KvStore::Put(ns, "z", "1")});
  store_a.Write({sr::KvStore::Put(ns, "a", "2")});
  store_b.Write({sr::KvStore::Put(ns, "mine", "never reported")});
  store_a.Write({sr::KvStore::Delete(ns, "old")});
  EXPECT_TRUE(on_b.Take().empty());  // manual delivery: nothing before Sync
  EXPECT_EQ(b.Sync(), 3u);
  EXPECT_EQ(on_b.Take(), (std::vector<Seen>{{"z", "1", false}, {"a", "2", false},
                                            {"old", "", true}}));
  EXPECT_EQ(b.Sync(), 0u);  // delivered once
  store_a.Write({sr::KvStore::Put(ns, "z", "3")});
  store_a.Write({sr::KvStore::Put(ns, "z", "4")});
  EXPECT_EQ(b.Sync(), 1u);  // the latest value of a key changed twice
  EXPECT_EQ(on_b.Take(), (std::vector<Seen>{{"z", "4", false}}));
  watch.Reset();
  store_a.Write({sr::KvStore::Put(ns, "after", "unwatched")});
  EXPECT_EQ(b.Sync(), 0u);
}

TEST(FakeClusterKv, WriteAsyncCommitsAtOnceAndReportsOnTheWriterThread) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a");
  sr::KvStore store(a.v1());
  sr_kv_namespace* ns = store.Open("rows");
  std::promise<std::thread::id> reported;
  store.WriteAsync({sr::KvStore::Put(ns, "k", "v")}, [&](bool ok, const std::string&) {
    EXPECT_TRUE(ok);
    reported.set_value(std::this_thread::get_id());
  });
  EXPECT_EQ(store.Get(ns, "k"), "v");
  a.WaitIdle();
  EXPECT_NE(reported.get_future().get(), std::this_thread::get_id());
}

TEST(FakeClusterKv, AnUnreachableDatabaseRefusesWritesReadsAndLeasesUntilItIsBack) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b");
  sr::KvStore store_a(a.v1()), store_b(b.v1());
  sr_kv_namespace* ns = store_a.Open("rows");
  Recorder on_b;
  sr::KvStore::Watch watch = store_b.WatchChanges(ns, on_b.Visitor());
  store_a.Write({sr::KvStore::Put(ns, "k", "v")});
  EXPECT_TRUE(store_a.Lead("sweeper"));

  db.SetReachable(false);
  EXPECT_FALSE(store_a.Healthy());
  EXPECT_THROW(store_a.Write({sr::KvStore::Put(ns, "k2", "v")}), sr::KvStoreError);
  EXPECT_NE(store_a.LastError().find("unreachable"), std::string::npos);
  EXPECT_THROW(store_a.Get(ns, "k"), sr::KvStoreError);
  EXPECT_THROW(store_a.NextId("ids"), sr::KvStoreError);
  EXPECT_FALSE(store_a.Lead("sweeper"));
  EXPECT_EQ(db.LeaseHolder("sweeper"), std::nullopt);
  std::promise<bool> async_ok;
  store_a.WriteAsync({sr::KvStore::Put(ns, "k3", "v")},
                     [&](bool ok, const std::string&) { async_ok.set_value(ok); });
  EXPECT_FALSE(async_ok.get_future().get());
  EXPECT_EQ(b.Sync(), 0u);  // watches wait for the database

  db.SetReachable(true);
  EXPECT_TRUE(store_a.Healthy());
  EXPECT_EQ(b.Sync(), 1u);  // and resume where they were
  EXPECT_EQ(on_b.Take(), (std::vector<Seen>{{"k", "v", false}}));
  EXPECT_TRUE(store_b.Lead("sweeper"));  // whoever asks first after the outage
  EXPECT_FALSE(store_a.Lead("sweeper"));
  EXPECT_EQ(db.Rows("rows").size(), 1u);
}

TEST(FakeClusterKv, ALeaseIsHeldUntilItsMasterDiesOrIsDestroyed) {
  FakeClusterDatabase db;
  FakeClusterKv b(db, "b");
  sr::KvStore store_b(b.v1());
  {
    FakeClusterKv a(db, "a");
    sr::KvStore store_a(a.v1());
    EXPECT_TRUE(store_a.Lead("sweeper"));
    EXPECT_TRUE(store_a.Lead("sweeper"));
    EXPECT_FALSE(store_b.Lead("sweeper"));
    EXPECT_EQ(db.LeaseHolder("sweeper"), "a");
  }
  EXPECT_TRUE(store_b.Lead("sweeper"));  // a was destroyed
  FakeClusterKv c(db, "c");
  sr::KvStore store_c(c.v1());
  EXPECT_FALSE(store_c.Lead("sweeper"));
  b.Kill();
  EXPECT_FALSE(store_b.Healthy());
  EXPECT_FALSE(store_b.Lead("sweeper"));
  EXPECT_THROW(store_b.NextId("ids"), sr::KvStoreError);
  EXPECT_TRUE(store_c.Lead("sweeper"));
  EXPECT_EQ(db.LeaseHolder("sweeper"), "c");
}

// Delivery on the master's own thread, with writers on two threads: every change is reported
// once, in commit order (threaded: run under ThreadSanitizer too).
TEST(FakeClusterKv, ThreadedDeliveryReportsEveryChangeOnceInOrder) {
  FakeClusterDatabase db;
  FakeClusterKv a(db, "a"), b(db, "b"), c(db, "c", FakeClusterKv::Delivery::kThread);
  sr::KvStore store_a(a.v1()), store_b(b.v1()), store_c(c.v1());
  sr_kv_namespace* ns = store_a.Open("rows");
  std::mutex mutex;
  std::vector<std::string> seen;
  std::set<std::thread::id> threads;
  sr::KvStore::Watch watch =
      store_c.WatchChanges(ns, [&](std::string_view key, std::string_view, bool) {
        std::lock_guard<std::mutex> lock(mutex);
        seen.emplace_back(key);
        threads.insert(std::this_thread::get_id());
      });
  constexpr int kWrites = 200;
  auto writer = [&](sr::KvStore& store, const char* prefix) {
    for (int i = 0; i < kWrites; ++i) {
      std::string key = std::string(prefix).append(std::to_string(1000 + i));
      store.Write({sr::KvStore::Put(ns, key, "v")});
    }
  };
  std::thread from_a(writer, std::ref(store_a), "a");
  std::thread from_b(writer, std::ref(store_b), "b");
  from_a.join();
  from_b.join();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (seen.size() >= 2 * kWrites || std::chrono::steady_clock::now() > deadline) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  c.Sync();  // also allowed beside the thread: nothing twice
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(seen.size(), 2u * kWrites);
  std::vector<std::string> from_a_in_order, from_b_in_order;
  for (const std::string& key : seen) {
    (key[0] == 'a' ? from_a_in_order : from_b_in_order).push_back(key);
  }
  EXPECT_TRUE(std::is_sorted(from_a_in_order.begin(), from_a_in_order.end()));
  EXPECT_TRUE(std::is_sorted(from_b_in_order.begin(), from_b_in_order.end()));
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

}  // namespace
