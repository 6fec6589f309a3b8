// Two masters over one database: watches, sequences, leases, the hosts table, and a database
// restart in the middle.
#include <algorithm>
#include <atomic>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <set>
#include <vector>

#include "store_test_util.h"

namespace sr::postgres_store::test {
namespace {

// What a watch received, in order.
class Recorder {
 public:
  void Add(std::string_view key, std::string_view value, bool deleted) {
    std::lock_guard<std::mutex> lock(mutex_);
    changes_.push_back(deleted ? std::string(key).append(" deleted")
                               : std::string(key).append("=").append(value));
  }
  std::vector<std::string> changes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return changes_;
  }
  std::size_t size() const { return changes().size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> changes_;
};

sr::KvStore::Watch WatchInto(Master& master, sr_kv_namespace* ns, Recorder& recorder) {
  return master.client->WatchChanges(
      ns, [&recorder](std::string_view key, std::string_view value, bool deleted) {
        recorder.Add(key, value, deleted);
      });
}

// Runs `body` on `per_master` threads of each master at once, and waits for them all.
void OnThreadsOf(std::initializer_list<Master*> masters, int per_master,
                 const std::function<void(Master&)>& body) {
  std::vector<std::thread> threads;
  for (Master* master : masters) {
    for (int t = 0; t < per_master; ++t) threads.emplace_back([&body, master] { body(*master); });
  }
  for (auto& thread : threads) thread.join();
}

using PgClusterTest = PgStoreTest;

TEST_F(PgClusterTest, AWatchSeesTheOtherMastersChangesInOrderAndNeverItsOwn) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  sr_kv_namespace* a_ns = a->client->Open("spawners");
  sr_kv_namespace* b_ns = b->client->Open("spawners");
  a->client->Write({sr::KvStore::Put(a_ns, "old", "before the watch")});
  Recorder seen_by_b;
  sr::KvStore::Watch watch = WatchInto(*b, b_ns, seen_by_b);

  a->client->Write({sr::KvStore::Put(a_ns, "1", "one")});
  a->client->Write({sr::KvStore::Put(a_ns, "3", "three"), sr::KvStore::Put(a_ns, "2", "two")});
  b->client->Write({sr::KvStore::Put(b_ns, "mine", "b's own")});
  a->client->Write({sr::KvStore::Put(a->client->Open("elsewhere"), "x", "other namespace")});
  ASSERT_TRUE(Eventually([&] { return seen_by_b.size() >= 3; }, std::chrono::seconds(3)))
      << ::testing::PrintToString(seen_by_b.changes());
  a->client->Write({sr::KvStore::Delete(a_ns, "3")});
  ASSERT_TRUE(Eventually([&] { return seen_by_b.size() >= 4; }, std::chrono::seconds(3)))
      << ::testing::PrintToString(seen_by_b.changes());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more arrives
  EXPECT_EQ(seen_by_b.changes(),
            (std::vector<std::string>{"1=one", "3=three", "2=two", "3 deleted"}));
}

// The feed reports the rows' current state: a key written twice between two reads of the
// feed is reported once, with its last value (watchers apply changes idempotently).
TEST_F(PgClusterTest, AKeyChangedTwiceBetweenTwoReadsEndsAtItsLastValue) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  sr_kv_namespace* a_ns = a->client->Open("n");
  Recorder seen_by_b;
  sr::KvStore::Watch watch = WatchInto(*b, b->client->Open("n"), seen_by_b);
  for (int i = 0; i < 20; ++i) {
    std::string value = std::to_string(i);
    a->client->Write({sr::KvStore::Put(a_ns, "k", value)});
  }
  ASSERT_TRUE(Eventually([&] {
    auto changes = seen_by_b.changes();
    return !changes.empty() && changes.back() == "k=19";
  })) << ::testing::PrintToString(seen_by_b.changes());
}

TEST_F(PgClusterTest, AnEndedWatchIsNotCalledAgain) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  sr_kv_namespace* ns = a->client->Open("n");
  Recorder recorder;
  sr::KvStore::Watch watch = WatchInto(*b, b->client->Open("n"), recorder);
  a->client->Write({sr::KvStore::Put(ns, "1", "x")});
  ASSERT_TRUE(Eventually([&] { return recorder.size() == 1; }));
  watch.Reset();
  a->client->Write({sr::KvStore::Put(ns, "2", "x")});
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(recorder.size(), 1u);
}

TEST_F(PgClusterTest, SequencesAreUniqueUnderConcurrentDrawsFromTwoMasters) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  constexpr int kThreads = 3;
  constexpr int kDraws = 100;
  std::mutex mutex;
  std::vector<std::uint64_t> ids;
  OnThreadsOf({a.get(), b.get()}, kThreads, [&](Master& master) {
    for (int i = 0; i < kDraws; ++i) {
      std::uint64_t id = master.client->NextId("spawner_id");
      std::lock_guard<std::mutex> lock(mutex);
      ids.push_back(id);
    }
  });
  std::set<std::uint64_t> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_EQ(*unique.begin(), 1u);  // created at 1, never skipping at the start
  EXPECT_EQ(*unique.rbegin(), static_cast<std::uint64_t>(2 * kThreads * kDraws));
  // Other sequences are independent, names up to 64 characters included.
  EXPECT_EQ(a->client->NextId("build_id"), 1u);
  std::string longest(64, 'z');
  EXPECT_EQ(a->client->NextId(longest), 1u);
  EXPECT_EQ(b->client->NextId(longest), 2u);
}

// Every thread of two masters draws from a sequence nobody has drawn from yet, at the same
// moment: it is created once, and no draw fails on the other master's creation of it.
TEST_F(PgClusterTest, ASequenceFirstDrawnEverywhereAtOnceIsCreatedOnce) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  constexpr int kThreadsPerMaster = 3;
  constexpr int kThreads = 2 * kThreadsPerMaster;
  // A round lost the race about once in 70 without the schema lock: 200 rounds catch it.
  constexpr int kRounds = 200;
  std::atomic<int> arrived{0};
  std::mutex mutex;
  std::vector<std::set<std::uint64_t>> ids(kRounds);
  std::vector<std::string> failures;
  OnThreadsOf({a.get(), b.get()}, kThreadsPerMaster, [&](Master& master) {
    for (int round = 0; round < kRounds; ++round) {
      // Every thread starts a round together: the first draws all miss the sequence.
      arrived.fetch_add(1);
      while (arrived.load() < (round + 1) * kThreads) std::this_thread::yield();
      try {
        std::uint64_t id = master.client->NextId("race_" + std::to_string(round));
        std::lock_guard<std::mutex> lock(mutex);
        ids[round].insert(id);
      } catch (const sr::KvStoreError& e) {
        std::lock_guard<std::mutex> lock(mutex);
        failures.emplace_back(e.what());
      }
    }
  });
  EXPECT_TRUE(failures.empty()) << ::testing::PrintToString(failures);
  std::set<std::uint64_t> every_draw;
  for (std::uint64_t id = 1; id <= kThreads; ++id) every_draw.insert(id);
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(ids[round], every_draw) << round;
}

TEST_F(PgClusterTest, ALeaseIsHeldByOneMasterAndTakenOverWhenItDies) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  EXPECT_TRUE(a->client->Lead("spawner-sweeper"));
  EXPECT_TRUE(a->client->Lead("spawner-sweeper"));  // still ours
  EXPECT_FALSE(b->client->Lead("spawner-sweeper"));
  EXPECT_TRUE(b->client->Lead("other-lease"));
  // The hosts table lists the leases.
  ASSERT_TRUE(Eventually([&] {
    for (const HostRow& host : b->store->Cluster().hosts) {
      if (host.name == "a" && host.leases == std::vector<std::string>{"spawner-sweeper"}) {
        return true;
      }
    }
    return false;
  }));
  a.reset();  // its session ends: PostgreSQL releases the lock
  EXPECT_TRUE(Eventually([&] { return b->client->Lead("spawner-sweeper"); }));
}

TEST_F(PgClusterTest, TheHostsTableListsEveryMasterWithItsHealth) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  ASSERT_TRUE(Eventually([&] { return a->store->Cluster().hosts.size() == 2; }));
  ClusterView view = a->store->Cluster();
  EXPECT_EQ(view.this_host, "a");
  EXPECT_TRUE(view.database_healthy);
  EXPECT_EQ(view.hosts[0].name, "a");
  EXPECT_EQ(view.hosts[1].name, "b");
  EXPECT_TRUE(view.hosts[1].healthy);
  EXPECT_EQ(view.hosts[1].address, "127.0.0.1:0");
  EXPECT_EQ(view.hosts[1].started_at.size(), 20u);  // 2026-12-06T16:00:00Z
  std::string json = ClusterJson(view);
  EXPECT_NE(json.find("\"this_host\":\"a\",\"database\":{\"healthy\":true,\"error\":\"\"}"),
            std::string::npos)
      << json;
  b.reset();  // a clean stop leaves the cluster
  EXPECT_TRUE(Eventually([&] { return a->store->Cluster().hosts.size() == 1; }));
}

TEST_F(PgClusterTest, ASecondLiveMasterOfTheSameNameIsRefused) {
  auto a = NewMaster("a");
  try {
    NewMaster("a");
    ADD_FAILURE() << "a second master named 'a' started";
  } catch (const StoreOpenError& e) {
    EXPECT_NE(std::string(e.what()).find("another master named 'a' is connected"),
              std::string::npos)
        << e.what();
  }
  a.reset();  // once the first is gone, the name is free again
  EXPECT_NO_THROW(NewMaster("a"));
}

TEST_F(PgClusterTest, MastersStartingTogetherShareOneSchema) {
  std::vector<std::unique_ptr<Master>> masters(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back(
        [&, i] { masters[i] = NewMaster(std::string("m").append(std::to_string(i))); });
  }
  for (auto& thread : threads) thread.join();
  for (auto& master : masters) ASSERT_NE(master, nullptr);
  sr_kv_namespace* ns = masters[0]->client->Open("n");
  masters[0]->client->Write({sr::KvStore::Put(ns, "k", "v")});
  EXPECT_EQ(masters[2]->client->Get(masters[2]->client->Open("n"), "k"), "v");
}

TEST_F(PgClusterTest, ADatabaseRestartFailsWritesFastThenWritesAndWatchesResume) {
  auto a = NewMaster("a");
  auto b = NewMaster("b");
  sr_kv_namespace* a_ns = a->client->Open("spawners");
  Recorder seen_by_b;
  sr::KvStore::Watch watch = WatchInto(*b, b->client->Open("spawners"), seen_by_b);
  a->client->Write({sr::KvStore::Put(a_ns, "before", "1")});
  ASSERT_TRUE(Eventually([&] { return seen_by_b.size() == 1; }));

  pg_->Stop();
  const sr_kv_store_v2& v2 = a->vtable();
  sr_kv_op op{};
  op.kind = SR_KV_PUT;
  op.ns = a_ns;
  op.key = {"down", 4};
  op.value = {"x", 1};
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(v2.write(v2.self, &op, 1), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(v2.write(v2.self, &op, 1), SR_ERR_UNAVAILABLE);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(v2.healthy(v2.self), 0);
  EXPECT_FALSE(a->client->LastError().empty());
  EXPECT_EQ(v2.get(
                v2.self, a_ns, {"before", 6}, [](void*, sr_str, sr_str) -> int32_t { return 1; },
                nullptr),
            SR_ERR_UNAVAILABLE);
  std::uint64_t id = 0;
  EXPECT_EQ(v2.next_id(v2.self, {"n", 1}, &id), SR_ERR_UNAVAILABLE);
  EXPECT_EQ(v2.lead(v2.self, {"l", 1}), 0);
  EXPECT_TRUE(Eventually([&] { return !b->client->Healthy(); }));
  EXPECT_FALSE(a->store->Cluster().database_healthy);

  pg_->Restart();
  // Writes come back within the reconnection backoff.
  EXPECT_TRUE(
      Eventually([&] { return v2.write(v2.self, &op, 1) == SR_OK; }, std::chrono::seconds(8)));
  a->client->Write({sr::KvStore::Put(a_ns, "after", "2")});
  EXPECT_TRUE(Eventually([&] { return seen_by_b.size() == 3; }, std::chrono::seconds(8)));
  EXPECT_EQ(seen_by_b.changes(), (std::vector<std::string>{"before=1", "down=x", "after=2"}));
  EXPECT_TRUE(Eventually([&] { return a->client->Healthy() && b->client->Healthy(); }));
}

// Writes keep coming while the database restarts: each callback runs exactly once, and every
// write acknowledged with success is there afterwards.
TEST_F(PgClusterTest, NothingAcknowledgedIsLostAcrossADatabaseRestart) {
  auto a = NewMaster("a");
  sr_kv_namespace* ns = a->client->Open("load");
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<int> callbacks{0};
  std::atomic<int> submitted{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::string key = std::to_string(i);
      ++submitted;
      a->client->WriteAsync({sr::KvStore::Put(ns, key, "v")},
                            [&, key](bool ok, const std::string&) {
                              ++callbacks;
                              if (!ok) return;
                              std::lock_guard<std::mutex> lock(mutex);
                              acknowledged.push_back(key);
                            });
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  pg_->Restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(Eventually([&] { return a->client->Healthy(); }, std::chrono::seconds(8)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_TRUE(Eventually([&] { return callbacks == submitted; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(callbacks.load(), submitted.load());
  std::set<std::string> stored;
  a->client->Scan(ns, "", "", 0, false, [&](std::string_view key, std::string_view) {
    stored.emplace(key);
    return true;
  });
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_GT(acknowledged.size(), 20u);
  for (const std::string& key : acknowledged) EXPECT_EQ(stored.count(key), 1u) << key;
}

}  // namespace
}  // namespace sr::postgres_store::test
