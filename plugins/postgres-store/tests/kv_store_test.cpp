// The version 1 contract of kv-store over PostgreSQL: reads, ordered scans, counts, atomic
// batches, asynchronous writes, and SR_KV_UPDATE.
#include <atomic>
#include <future>
#include <map>
#include <vector>

#include "store_test_util.h"

namespace sr::postgres_store::test {
namespace {

using Row = std::pair<std::string, std::string>;

std::vector<Row> ScanAll(sr::KvStore& client, sr_kv_namespace* ns, std::string_view start,
                         std::string_view end, std::uint32_t limit, bool reverse) {
  std::vector<Row> rows;
  client.Scan(ns, start, end, limit, reverse, [&](std::string_view key, std::string_view value) {
    rows.emplace_back(key, value);
    return true;
  });
  return rows;
}

std::uint64_t CountOf(const Master& master, sr_kv_namespace* ns) {
  std::uint64_t count = 0;
  EXPECT_EQ(master.vtable().count(master.vtable().self, ns, &count), SR_OK);
  return count;
}

using PgKvStoreTest = PgStoreTest;

TEST_F(PgKvStoreTest, PutGetDeleteAndCount) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* users = kv.Open("users");
  sr_kv_namespace* other = kv.Open("other");
  kv.Write({sr::KvStore::Put(users, "1", "alice"), sr::KvStore::Put(users, "2", "bob"),
            sr::KvStore::Put(other, "1", "elsewhere")});
  EXPECT_EQ(kv.Get(users, "1"), "alice");
  EXPECT_EQ(kv.Get(other, "1"), "elsewhere");
  EXPECT_EQ(kv.Get(users, "3"), std::nullopt);
  EXPECT_EQ(CountOf(*master, users), 2u);

  kv.Write({sr::KvStore::Put(users, "1", "alice v2"), sr::KvStore::Delete(users, "2")});
  EXPECT_EQ(kv.Get(users, "1"), "alice v2");
  EXPECT_EQ(kv.Get(users, "2"), std::nullopt);
  EXPECT_EQ(CountOf(*master, users), 1u);
  // A deleted key is a tombstone underneath: it must not show in scans.
  EXPECT_EQ(ScanAll(kv, users, "", "", 0, false), (std::vector<Row>{{"1", "alice v2"}}));
  // Put after delete brings the key back.
  kv.Write({sr::KvStore::Put(users, "2", "bob again")});
  EXPECT_EQ(kv.Get(users, "2"), "bob again");
  EXPECT_TRUE(kv.Healthy());
}

TEST_F(PgKvStoreTest, ScansInUnsignedByteOrderWithBoundsLimitAndReverse) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* ns = kv.Open("ordered");
  std::vector<sr::KvStore::Op> ops;
  std::vector<std::string> keys = {
      "b", "a", std::string("\xff", 1), "c", "aa", std::string("\x01", 1), std::string("\x80", 1)};
  std::vector<std::string> values;
  for (const auto& key : keys) values.push_back(std::string("v").append(key));
  for (std::size_t i = 0; i < keys.size(); ++i)
    ops.push_back(sr::KvStore::Put(ns, keys[i], values[i]));
  kv.Write(ops);

  std::vector<std::string> forward;
  for (const auto& [key, value] : ScanAll(kv, ns, "", "", 0, false)) forward.push_back(key);
  EXPECT_EQ(forward, (std::vector<std::string>{"\x01", "a", "aa", "b", "c", "\x80", "\xff"}));

  auto bounded = ScanAll(kv, ns, "a", "c", 0, false);
  ASSERT_EQ(bounded.size(), 3u);
  EXPECT_EQ(bounded[0], Row("a", "va"));
  EXPECT_EQ(bounded[2].first, "b");

  auto reversed = ScanAll(kv, ns, "a", "c", 2, true);
  ASSERT_EQ(reversed.size(), 2u);
  EXPECT_EQ(reversed[0].first, "b");
  EXPECT_EQ(reversed[1].first, "aa");

  auto limited = ScanAll(kv, ns, "", "", 2, false);
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].first, "a");

  // A visitor that stops early.
  int seen = 0;
  kv.Scan(ns, "", "", 0, false, [&](std::string_view, std::string_view) { return ++seen < 3; });
  EXPECT_EQ(seen, 3);
}

TEST_F(PgKvStoreTest, ScansPageThroughLargeNamespacesInBothDirections) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* ns = kv.Open("many");
  std::vector<std::string> keys;
  for (int i = 0; i < 700; ++i) {
    char key[8];
    std::snprintf(key, sizeof(key), "%05d", i);
    keys.emplace_back(key);
  }
  std::vector<sr::KvStore::Op> ops;
  for (const auto& key : keys) ops.push_back(sr::KvStore::Put(ns, key, key));
  kv.Write(ops);
  auto forward = ScanAll(kv, ns, "", "", 0, false);
  ASSERT_EQ(forward.size(), 700u);
  EXPECT_EQ(forward[699].first, "00699");
  auto reverse = ScanAll(kv, ns, "00100", "", 600, true);
  ASSERT_EQ(reverse.size(), 600u);
  EXPECT_EQ(reverse.front().first, "00699");
  EXPECT_EQ(reverse.back().first, "00100");
}

TEST_F(PgKvStoreTest, BatchesAreAtomicAndTheLastOperationOnAKeyWins) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* ns = kv.Open("batch");
  kv.Write({sr::KvStore::Put(ns, "k", "1"), sr::KvStore::Delete(ns, "k"),
            sr::KvStore::Put(ns, "k", "3"), sr::KvStore::Put(ns, "gone", "x"),
            sr::KvStore::Delete(ns, "gone")});
  EXPECT_EQ(kv.Get(ns, "k"), "3");
  EXPECT_EQ(kv.Get(ns, "gone"), std::nullopt);

  // One malformed operation refuses the whole batch: nothing of it is written.
  sr_kv_op ops[2] = {};
  ops[0].kind = SR_KV_PUT;
  ops[0].ns = ns;
  ops[0].key = {"new", 3};
  ops[0].value = {"v", 1};
  ops[1].kind = 7;
  ops[1].ns = ns;
  const sr_kv_store_v2& v2 = master->vtable();
  EXPECT_EQ(v2.write(v2.self, ops, 2), SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(kv.Get(ns, "new"), std::nullopt);
}

TEST_F(PgKvStoreTest, WriteAsyncCallsDoneOnceAfterTheCommitAndConcurrentWritersAllLand) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* ns = kv.Open("async");
  constexpr int kWrites = 300;
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  std::promise<void> all_done;
  for (int i = 0; i < kWrites; ++i) {
    std::string key = std::to_string(i);
    kv.WriteAsync({sr::KvStore::Put(ns, key, key)}, [&](bool ok, const std::string&) {
      if (!ok) ++failed;
      if (++done == kWrites) all_done.set_value();
    });
  }
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(done.load(), kWrites);  // exactly once each
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(CountOf(*master, ns), static_cast<std::uint64_t>(kWrites));
}

TEST_F(PgKvStoreTest, UpdateWritesOnlyLiveKeysAndNeverResurrectsADeletedOne) {
  auto master = NewMaster("a");
  sr::KvStore& kv = *master->client;
  sr_kv_namespace* ns = kv.Open("spawners");
  kv.Write({sr::KvStore::Put(ns, "live", "v1"), sr::KvStore::Put(ns, "deleted", "v1")});
  kv.Write({sr::KvStore::Delete(ns, "deleted")});
  kv.Write({sr::KvStore::Update(ns, "live", "v2"), sr::KvStore::Update(ns, "deleted", "late"),
            sr::KvStore::Update(ns, "never", "late")});
  EXPECT_EQ(kv.Get(ns, "live"), "v2");
  EXPECT_EQ(kv.Get(ns, "deleted"), std::nullopt);
  EXPECT_EQ(kv.Get(ns, "never"), std::nullopt);
  // Within one batch: an update after a put writes; an update after a delete does not.
  kv.Write({sr::KvStore::Put(ns, "fresh", "v1"), sr::KvStore::Update(ns, "fresh", "v2"),
            sr::KvStore::Delete(ns, "live"), sr::KvStore::Update(ns, "live", "v3")});
  EXPECT_EQ(kv.Get(ns, "fresh"), "v2");
  EXPECT_EQ(kv.Get(ns, "live"), std::nullopt);
}

TEST_F(PgKvStoreTest, AnswersLookupsOfVersionOneWithTheVersionTwoTable) {
  auto master = NewMaster("a");
  EXPECT_TRUE(master->client->clustered());
  EXPECT_EQ(master->vtable().struct_size, sizeof(sr_kv_store_v2));
  // Bad names are refused, not turned into SQL.
  std::uint64_t id = 0;
  EXPECT_EQ(master->vtable().next_id(master->vtable().self, {"x'; drop", 9}, &id),
            SR_ERR_INVALID_ARGUMENT);
  sr_kv_namespace* ns = nullptr;
  EXPECT_EQ(master->vtable().open_namespace(master->vtable().self, {"Bad Name", 8}, &ns),
            SR_ERR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace sr::postgres_store::test
