#include "kv_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "read_only_file.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace sr::sqlite_store {
namespace {

using testing::Delete;
using testing::FileOptions;
using testing::MemoryOptions;
using testing::Put;
using testing::Rows;

std::string GetValue(KvStore& store, std::string_view ns, std::string_view key) {
  std::string value = "<absent>";
  store.Get(ns, key, [&](std::string_view, std::string_view found) {
    value = std::string(found);
    return true;
  });
  return value;
}

TEST(SqliteStoreKvTest, PutGetDeleteInMemory) {
  KvStore store(MemoryOptions());
  ASSERT_TRUE(store.Write({Put("a", "k1", "v1"), Put("a", "k2", "v2")}).ok());
  EXPECT_EQ(GetValue(store, "a", "k1"), "v1");
  ASSERT_TRUE(store.Write({Put("a", "k1", "v1b"), Delete("a", "k2")}).ok());
  EXPECT_EQ(GetValue(store, "a", "k1"), "v1b");
  EXPECT_EQ(store.Get("a", "k2", [](auto, auto) { return true; }), KvStatus::kNotFound);
  EXPECT_TRUE(store.Healthy());
}

TEST(SqliteStoreKvTest, AnUpdateWritesOnlyAKeyThatExists) {
  KvStore store(MemoryOptions());
  ASSERT_TRUE(store.Write({Put("a", "k1", "v1")}).ok());
  KvWriteOp update{KvWriteOp::Kind::kUpdate, "a", "k1", "v1b"};
  KvWriteOp absent{KvWriteOp::Kind::kUpdate, "a", "k2", "v2"};
  ASSERT_TRUE(store.Write({update, absent}).ok());
  EXPECT_EQ(GetValue(store, "a", "k1"), "v1b");
  EXPECT_EQ(store.Get("a", "k2", [](auto, auto) { return true; }), KvStatus::kNotFound);
}

TEST(SqliteStoreKvTest, NamespacesAreSeparate) {
  KvStore store(MemoryOptions());
  ASSERT_TRUE(store.Write({Put("a", "k", "in a"), Put("b", "k", "in b")}).ok());
  EXPECT_EQ(GetValue(store, "a", "k"), "in a");
  EXPECT_EQ(GetValue(store, "b", "k"), "in b");
  std::uint64_t count = 0;
  ASSERT_EQ(store.Count("a", count), KvStatus::kOk);
  EXPECT_EQ(count, 1u);
}

TEST(SqliteStoreKvTest, ScanUsesUnsignedByteOrderBoundsLimitAndReverse) {
  KvStore store(MemoryOptions());
  ASSERT_TRUE(
      store
          .Write({Put("n", "b", "2"), Put("n", "a", "1"), Put("n", std::string("\x80", 1), "3"),
                  Put("n", "", "empty"), Put("other", "a", "x")})
          .ok());
  auto all = Rows(store, "n");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].first, "");
  EXPECT_EQ(all[1].first, "a");
  EXPECT_EQ(all[2].first, "b");
  EXPECT_EQ(all[3].first, std::string("\x80", 1));

  auto bounded = Rows(store, "n", "a", "b");
  ASSERT_EQ(bounded.size(), 1u);
  EXPECT_EQ(bounded[0].second, "1");

  auto reversed = Rows(store, "n", "a", {}, 2, true);
  ASSERT_EQ(reversed.size(), 2u);
  EXPECT_EQ(reversed[0].second, "3");
  EXPECT_EQ(reversed[1].second, "2");

  EXPECT_TRUE(Rows(store, "n", "b", "a").empty());
}

TEST(SqliteStoreKvTest, ScanStopsWhenTheVisitorSaysSo) {
  KvStore store(MemoryOptions());
  std::vector<KvWriteOp> ops;
  for (int i = 0; i < 10; ++i) {
    // Appended rather than `"k" + std::to_string(i)`: GCC 12 at -O3 inlines that operator+
    // into a memcpy it cannot prove disjoint and reports a false -Wrestrict (GCC PR 105651).
    std::string key = "k";
    key += std::to_string(i);
    ops.push_back(Put("n", key, "v"));
  }
  ASSERT_TRUE(store.Write(std::move(ops)).ok());
  int seen = 0;
  store.Scan("n", {}, {}, 0, false, [&](auto, auto) { return ++seen < 3; });
  EXPECT_EQ(seen, 3);
}

TEST(SqliteStoreKvTest, AsyncWritesFromManyThreadsAllCommit) {
  sr::test::TempDir dir;
  KvStore store(FileOptions(dir / "db.sqlite"));
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 250;
  std::atomic<int> committed{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i);
        KvWriteOutcome queued =
            store.WriteAsync({Put("n", key, key)}, [&](const KvWriteOutcome& outcome) {
              (outcome.ok() ? committed : failed).fetch_add(1);
            });
        ASSERT_TRUE(queued.ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  store.Close();  // commits what is still queued
  EXPECT_EQ(committed.load(), kThreads * kWritesPerThread);
  EXPECT_EQ(failed.load(), 0);
  std::uint64_t count = 0;
  ASSERT_EQ(store.Count("n", count), KvStatus::kOk);
  EXPECT_EQ(count, static_cast<std::uint64_t>(kThreads * kWritesPerThread));
}

TEST(SqliteStoreKvTest, DataSurvivesReopenAndUsesWal) {
  sr::test::TempDir dir;
  auto path = dir / "nested" / "folders" / "registry.db";
  {
    KvStore store(FileOptions(path));
    ASSERT_TRUE(store.Write({Put("n", "k", "kept")}).ok());
    EXPECT_EQ(store.schema_version(), 1);
  }
  KvStore store(FileOptions(path));
  EXPECT_EQ(GetValue(store, "n", "k"), "kept");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(SqliteStoreKvTest, AFullDatabaseRefusesWritesKeepsReadsAndRecovers) {
  sr::test::TempDir dir;
  StoreOptions options = FileOptions(dir / "small.db");
  options.max_size_bytes = 64 << 10;
  std::vector<std::pair<LogLevel, std::string>> logs;
  std::mutex logs_mutex;
  KvStore store(options, [&](LogLevel level, const std::string& message) {
    std::lock_guard<std::mutex> lock(logs_mutex);
    logs.emplace_back(level, message);
  });
  ASSERT_TRUE(store.Write({Put("n", "small", "v")}).ok());

  // One batch: a small put and one too large for the quota. Neither may be kept.
  KvWriteOutcome outcome =
      store.Write({Put("n", "first", "v"), Put("n", "huge", std::string(200 << 10, 'x'))});
  EXPECT_EQ(outcome.status, KvStatus::kUnavailable);
  EXPECT_NE(outcome.message.find("full"), std::string::npos) << outcome.message;
  EXPECT_FALSE(store.Healthy());
  EXPECT_NE(store.LastError().find("full"), std::string::npos);
  EXPECT_EQ(GetValue(store, "n", "first"), "<absent>");
  EXPECT_EQ(GetValue(store, "n", "small"), "v");  // reads keep working

  // A second failure is not logged again.
  EXPECT_FALSE(store.Write({Put("n", "huge", std::string(200 << 10, 'x'))}).ok());
  ASSERT_TRUE(store.Write({Put("n", "after", "v")}).ok());
  EXPECT_TRUE(store.Healthy());
  std::lock_guard<std::mutex> lock(logs_mutex);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].first, LogLevel::kError);
  EXPECT_EQ(logs[1].first, LogLevel::kInfo);
}

// What the plugin turns into its /health state (ABI 1.4): one call when writes start failing,
// none for the same failure again, one when a write commits again.
TEST(SqliteStoreKvTest, TheHealthListenerHearsTransitionsOnly) {
  sr::test::TempDir dir;
  StoreOptions options = FileOptions(dir / "small.db");
  options.max_size_bytes = 64 << 10;
  std::vector<std::pair<bool, std::string>> heard;
  std::mutex heard_mutex;
  options.on_health = [&](bool healthy, const std::string& reason) {
    std::lock_guard<std::mutex> lock(heard_mutex);
    heard.emplace_back(healthy, reason);
  };
  KvStore store(options);
  ASSERT_TRUE(store.Write({Put("n", "small", "v")}).ok());
  EXPECT_FALSE(store.Write({Put("n", "huge", std::string(200 << 10, 'x'))}).ok());
  EXPECT_FALSE(store.Write({Put("n", "huge", std::string(200 << 10, 'x'))}).ok());
  ASSERT_TRUE(store.Write({Put("n", "after", "v")}).ok());
  ASSERT_TRUE(store.Write({Put("n", "again", "v")}).ok());
  store.Close();  // shutting down is no failure to report

  std::lock_guard<std::mutex> lock(heard_mutex);
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_FALSE(heard[0].first);
  EXPECT_NE(heard[0].second.find("full"), std::string::npos) << heard[0].second;
  EXPECT_TRUE(heard[1].first);
  EXPECT_EQ(heard[1].second, "");
}

TEST(SqliteStoreKvTest, ALockedDatabaseIsUnavailableUntilReleased) {
  sr::test::TempDir dir;
  StoreOptions options = FileOptions(dir / "locked.db");
  options.busy_timeout = std::chrono::milliseconds(50);
  KvStore store(options);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(options.path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  KvWriteOutcome outcome = store.Write({Put("n", "k", "v")});
  EXPECT_EQ(outcome.status, KvStatus::kUnavailable);
  EXPECT_FALSE(store.Healthy());
  EXPECT_EQ(GetValue(store, "n", "k"), "<absent>");
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE(store.Write({Put("n", "k", "v")}).ok());
  EXPECT_TRUE(store.Healthy());
  // The last failure stays readable after recovery.
  EXPECT_NE(store.LastError().find("locked"), std::string::npos) << store.LastError();
}

TEST(SqliteStoreKvTest, CloseCommitsQueuedWritesThenRefusesNewOnes) {
  KvStore store(MemoryOptions());
  std::atomic<bool> done{false};
  ASSERT_TRUE(store
                  .WriteAsync({Put("n", "k", "v")},
                              [&](const KvWriteOutcome& outcome) {
                                EXPECT_TRUE(outcome.ok());
                                done = true;
                              })
                  .ok());
  store.Close();
  EXPECT_TRUE(done.load());
  KvWriteOutcome refused = store.Write({Put("n", "k2", "v")});
  EXPECT_EQ(refused.status, KvStatus::kUnavailable);
  EXPECT_EQ(GetValue(store, "n", "k"), "v");
  EXPECT_FALSE(store.Healthy());
}

TEST(SqliteStoreKvTest, EmptyBatchSucceeds) {
  KvStore store(MemoryOptions());
  EXPECT_TRUE(store.Write({}).ok());
}

// ---- opening files that cannot be used -------------------------------------------------

std::string OpenError(const StoreOptions& options) {
  try {
    KvStore store(options);
  } catch (const StoreOpenError& e) {
    return e.what();
  }
  return "";
}

TEST(SqliteStoreOpenTest, AFileThatIsNotADatabaseIsRefusedByPath) {
  sr::test::TempDir dir;
  auto path = dir.Write("notes.db", std::string(4096, 'x') + "this is not a database\n");
  std::string error = OpenError(FileOptions(path));
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not a SQLite database"), std::string::npos) << error;
}

TEST(SqliteStoreOpenTest, ACorruptDatabaseIsRefusedByPath) {
  sr::test::TempDir dir;
  auto path = dir / "corrupt.db";
  {
    KvStore store(FileOptions(path));
    std::vector<KvWriteOp> ops;
    for (int i = 0; i < 2000; ++i) {
      ops.push_back(Put("n", "key-" + std::to_string(i), std::string(100, 'v')));
    }
    ASSERT_TRUE(store.Write(std::move(ops)).ok());
  }
  ASSERT_GT(std::filesystem::file_size(path), 16384u);
  testing::Scribble(path, 4096 + 64, 8192);
  std::string error = OpenError(FileOptions(path));
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;
}

TEST(SqliteStoreOpenTest, AReadOnlyDatabaseIsRefusedByPath) {
  sr::test::TempDir dir;
  auto path = dir / "readonly.db";
  { KvStore store(FileOptions(path)); }
  testing::ReadOnlyFile read_only(path);
  if (!read_only.ok()) GTEST_SKIP() << "cannot make a file read-only for root here";
  std::string error = OpenError(FileOptions(path));
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("read-only"), std::string::npos) << error;
}

TEST(SqliteStoreOpenTest, ADirectoryIsRefused) {
  sr::test::TempDir dir;
  std::string error = OpenError(FileOptions(dir.path()));
  EXPECT_NE(error.find("is a directory"), std::string::npos) << error;
}

TEST(SqliteStoreOpenTest, AnotherApplicationsDatabaseIsRefused) {
  sr::test::TempDir dir;
  auto path = dir / "theirs.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE spawners (id INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  std::string error = OpenError(FileOptions(path));
  EXPECT_NE(error.find("another application"), std::string::npos) << error;
  EXPECT_NE(error.find("spawners"), std::string::npos) << error;
}

}  // namespace
}  // namespace sr::sqlite_store
