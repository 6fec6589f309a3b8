// file-distribution in cluster mode: masters sharing one database (the in-memory fake of
// sr/testing/fake_cluster_kv.hpp), each with its own folder.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "build_commit.h"
#include "cluster_fixture.h"
#include "upload_store.h"

namespace sr::file_distribution::testing {
namespace {

using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;

// 2.5 MiB: two whole chunks and a partial one.
constexpr std::size_t kBuildBytes = (5u << 20) / 2;

class ClusterBuildsTest : public ::testing::Test {
 protected:
  FakeClusterDatabase database_;
};

TEST_F(ClusterBuildsTest, ABuildUploadedOnOneMasterIsDownloadedByteForByteOnAnother) {
  Master a(database_, "a");
  Master b(database_, "b");
  const std::string bytes = RandomBytes(kBuildBytes, 1);
  ASSERT_TRUE(a.Upload("1.0.0", bytes, true).has_value());

  // The bytes are in the store as chunks of at most 1 MiB, sorted by build then chunk.
  auto chunks = database_.Rows(kChunksNamespace);
  ASSERT_EQ(chunks.size(), 3u);
  std::string joined;
  for (const auto& [key, chunk] : chunks) {
    EXPECT_LE(chunk.size(), kChunkBytes) << key;
    joined += chunk;
  }
  EXPECT_EQ(joined, bytes);
  EXPECT_EQ(chunks.begin()->first, ChunkKey(1, 0));
  EXPECT_EQ(database_.Rows(kBuildsNamespace).count("1.0.0"), 1u);
  EXPECT_TRUE(database_.Rows(kPendingNamespace).empty()) << "owned by the metadata row now";

  b.kv.Sync();
  std::vector<CatalogChange> seen = b.TakeChanges();
  ASSERT_EQ(seen.size(), 2u);  // build.uploaded, then build.activated, on b too
  EXPECT_EQ(seen[0].kind, CatalogChange::Kind::kAdded);
  EXPECT_EQ(seen[1].kind, CatalogChange::Kind::kActivated);
  EXPECT_EQ(seen[1].build.version, "1.0.0");
  EXPECT_EQ(seen[1].activated_by, "alice");

  // b has no copy yet: its first download fetches, verifies and serves it.
  EXPECT_FALSE(b.sync->InSync(b.Served()));
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.sync->fetches(), 1u);
  ASSERT_TRUE(b.Served().has_value());
  EXPECT_EQ(b.Served()->version, "1.0.0");
  EXPECT_EQ(b.Served()->sha256, Sha256Hex(bytes));
  EXPECT_EQ(b.ServedBytes(), bytes);
  EXPECT_TRUE(b.sync->InSync(b.Served()));
  // The next download needs nothing from the store.
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.sync->fetches(), 1u);
  // a, which uploaded it, never fetches.
  EXPECT_TRUE(a.sync->InSync(a.Served()));
}

TEST_F(ClusterBuildsTest, BuildIdsAreUniqueAcrossMasters) {
  Master a(database_, "a");
  Master b(database_, "b");
  ASSERT_TRUE(a.Upload("1.0.0", RandomBytes(1000, 1), false).has_value());
  ASSERT_TRUE(b.Upload("2.0.0", RandomBytes(1000, 2), false).has_value());
  a.kv.Sync();
  std::vector<ClusterBuild> builds = a.cluster->catalog().Builds();
  ASSERT_EQ(builds.size(), 2u);
  EXPECT_EQ(builds[0].build.version, "2.0.0");  // newest first
  EXPECT_NE(builds[0].id, builds[1].id);
  // A version another master holds is refused here.
  Result<PublishedBuild> again = a.Upload("2.0.0", RandomBytes(1000, 3), false);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  // Also before this master has seen the other's row: the commit asks the database.
  ASSERT_TRUE(b.Upload("3.0.0", RandomBytes(1000, 4), false).has_value());
  Result<PublishedBuild> unseen = a.Upload("3.0.0", RandomBytes(1000, 5), false);
  ASSERT_FALSE(unseen.has_value());
  EXPECT_EQ(unseen.error().message, "build 3.0.0 already exists");
  EXPECT_EQ(database_.Rows(kChunksNamespace).size(), 3u) << "nothing written for the refusal";
}

TEST_F(ClusterBuildsTest, ACorruptedChunkIsRefusedNeverServed) {
  Master a(database_, "a");
  Master b(database_, "b");
  const std::string bytes = RandomBytes(kBuildBytes, 4);
  ASSERT_TRUE(a.Upload("1.0.0", bytes, true).has_value());
  std::string chunk = database_.Rows(kChunksNamespace).at(ChunkKey(1, 1));
  chunk[100] = static_cast<char>(chunk[100] ^ 0x55);
  sr_kv_namespace* chunks = a.store.Open(kChunksNamespace);
  a.store.Write({sr::KvStore::Put(chunks, ChunkKey(1, 1), chunk)});

  b.kv.Sync();
  Status synced = b.SyncNow();
  ASSERT_FALSE(synced.has_value());
  EXPECT_EQ(synced.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(synced.error().message.find("does not match its SHA-256"), std::string::npos)
      << synced.error().message;
  EXPECT_NE(synced.error().message.find(Sha256Hex(bytes)), std::string::npos);
  EXPECT_FALSE(b.Served().has_value());
  EXPECT_FALSE(std::filesystem::exists(b.dir.path() / "files/game_server.zip"));
  // Nothing of the bad copy is left on b's disk.
  for (const auto& entry : std::filesystem::directory_iterator(b.dir.path() / "files/builds")) {
    EXPECT_EQ(entry.path().filename(), "index.json") << entry.path();
  }
}

TEST_F(ClusterBuildsTest, AMissingChunkIsRefused) {
  Master a(database_, "a");
  Master b(database_, "b");
  ASSERT_TRUE(a.Upload("1.0.0", RandomBytes(kBuildBytes, 5), true).has_value());
  sr_kv_namespace* chunks = a.store.Open(kChunksNamespace);
  a.store.Write({sr::KvStore::Delete(chunks, ChunkKey(1, 2))});
  b.kv.Sync();
  Status synced = b.SyncNow();
  ASSERT_FALSE(synced.has_value());
  EXPECT_NE(synced.error().message.find("chunk 2 of 3 is missing"), std::string::npos)
      << synced.error().message;
  EXPECT_FALSE(b.Served().has_value());
}

TEST_F(ClusterBuildsTest, ACurrentBuildSwitchOnOneMasterIsSeenOnAnotherWithinASecond) {
  Master a(database_, "a");
  Master b(database_, "b", 5, FakeClusterKv::Delivery::kThread);
  const std::string one = RandomBytes(kBuildBytes, 6);
  const std::string two = RandomBytes(kBuildBytes / 2, 7);
  ASSERT_TRUE(a.Upload("1.0.0", one, true).has_value());
  ASSERT_TRUE(a.Upload("2.0.0", two, false).has_value());
  b.kv.Sync();
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.ServedBytes(), one);
  b.TakeChanges();

  Result<CatalogChange> switched = a.cluster->Activate("2.0.0", "admin");
  ASSERT_TRUE(switched.has_value());
  EXPECT_EQ(switched.value().previous, "1.0.0");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (b.cluster->catalog().Current()->version != "2.0.0" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(b.cluster->catalog().Current()->version, "2.0.0");
  std::vector<CatalogChange> seen = b.TakeChanges();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, CatalogChange::Kind::kActivated);
  EXPECT_EQ(seen[0].previous, "1.0.0");
  EXPECT_EQ(seen[0].activated_by, "admin");

  // b's next download serves the new build.
  EXPECT_FALSE(b.sync->InSync(b.Served()));
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.ServedBytes(), two);
  // Back to the old one: b has it on disk, so no fetch.
  ASSERT_TRUE(a.cluster->Activate("1.0.0", "admin").has_value());
  b.kv.Sync();
  std::uint64_t fetched = b.sync->fetches();
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.ServedBytes(), one);
  EXPECT_EQ(b.sync->fetches(), fetched);
}

TEST_F(ClusterBuildsTest, ConcurrentFirstDownloadsShareOneFetch) {
  Master a(database_, "a");
  Master b(database_, "b");
  b.threaded = true;
  const std::string bytes = RandomBytes(kBuildBytes * 4, 8);
  ASSERT_TRUE(a.Upload("1.0.0", bytes, true).has_value());
  b.kv.Sync();

  constexpr int kRequests = 16;
  std::atomic<int> answered{0};
  std::atomic<int> succeeded{0};
  std::vector<std::thread> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.emplace_back([&] {
      b.sync->Sync([&](Status status) {
        if (status.has_value()) ++succeeded;
        ++answered;
      });
    });
  }
  for (std::thread& request : requests) request.join();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answered.load() < kRequests && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  b.workers.Join();
  EXPECT_EQ(answered.load(), kRequests);
  EXPECT_EQ(succeeded.load(), kRequests);
  EXPECT_EQ(b.sync->fetches(), 1u);
  EXPECT_EQ(b.ServedBytes(), bytes);
}

TEST_F(ClusterBuildsTest, WithTheDatabaseDownUploadsAreRefusedAndBuildsOnDiskStillServed) {
  Master a(database_, "a");
  Master b(database_, "b");
  const std::string bytes = RandomBytes(kBuildBytes, 9);
  ASSERT_TRUE(a.Upload("1.0.0", bytes, true).has_value());
  b.kv.Sync();
  ASSERT_TRUE(b.SyncNow().has_value());

  database_.SetReachable(false);
  EXPECT_FALSE(a.cluster->Healthy());
  Result<PublishedBuild> refused = a.Upload("2.0.0", RandomBytes(1000, 10), true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(refused.error().message.find("the database is unreachable"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(database_.Rows(kChunksNamespace).size() == 3u) << "nothing half-written";

  // Downloads of the build on disk need nothing from the database.
  EXPECT_TRUE(b.sync->InSync(b.Served()));
  ASSERT_TRUE(b.SyncNow().has_value());
  EXPECT_EQ(b.ServedBytes(), bytes);
  EXPECT_TRUE(a.sync->InSync(a.Served()));

  database_.SetReachable(true);
  EXPECT_TRUE(a.Upload("2.0.0", RandomBytes(1000, 10), true).has_value());
}

TEST_F(ClusterBuildsTest, ACommitTheDatabaseRefusesKeepsTheUploadForARetry) {
  Master a(database_, "a");
  UploadStore uploads(a.folder->uploads_fd(), UploadLimits{});
  uploads.Load();
  const std::string zip = MakeZipOfSize(3000, 11);
  Result<UploadProgress> created =
      uploads.Create(NewUpload{"1.0.0", zip.size(), Sha256Hex(zip), "alice"});
  ASSERT_TRUE(created.has_value());
  const std::string id = created.value().upload_id;
  ASSERT_TRUE(uploads.Append(id, 0, zip).has_value());
  database_.SetReachable(false);
  std::optional<PublishedBuild> published;
  BuildPublisher publish = [&](int fd, const BuildRecord& build, InstallMode mode) -> Status {
    Result<PublishedBuild> stored =
        a.cluster->Publish(fd, build, mode == InstallMode::kMakeCurrent, "alice");
    if (!stored.has_value()) return tl::make_unexpected(stored.error());
    published = std::move(stored.value());
    return {};
  };
  Result<CommittedBuild> committed =
      CommitUpload(uploads, *a.local, id, 0, InstallMode::kMakeCurrent, publish);
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().kind, ErrorKind::kUnavailable);  // 503
  EXPECT_FALSE(a.local->HasVersion("1.0.0"));
  EXPECT_FALSE(a.Served().has_value());
  ASSERT_TRUE(uploads.Progress(id).has_value()) << "the upload stays for a retry";

  database_.SetReachable(true);
  committed = CommitUpload(uploads, *a.local, id, 0, InstallMode::kMakeCurrent, publish);
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  ASSERT_TRUE(published.has_value());
  EXPECT_FALSE(a.cluster->catalog().CurrentBuild().has_value()) << "learnt through Adopt only";
  a.cluster->Adopt(*published);
  EXPECT_EQ(a.ServedBytes(), zip);
  EXPECT_EQ(a.cluster->catalog().CurrentBuild()->build.sha256, Sha256Hex(zip));
}

TEST_F(ClusterBuildsTest, PruningDeletesOldBuildsEverywhereButNeverTheCurrentOne) {
  Master a(database_, "a", 2);
  Master b(database_, "b", 2);
  ASSERT_TRUE(a.Upload("1.0.0", RandomBytes(kBuildBytes, 12), true).has_value());
  b.kv.Sync();
  ASSERT_TRUE(b.SyncNow().has_value());
  ASSERT_TRUE(a.Upload("2.0.0", RandomBytes(1000, 13), false).has_value());
  ASSERT_TRUE(a.Upload("3.0.0", RandomBytes(1000, 14), false).has_value());
  ASSERT_TRUE(a.Upload("4.0.0", RandomBytes(1000, 15), false).has_value());
  // 1.0.0 is current, 4.0.0 new: 2.0.0 and 3.0.0 go, with their bytes.
  auto rows = database_.Rows(kBuildsNamespace);
  EXPECT_EQ(rows.count("1.0.0"), 1u);
  EXPECT_EQ(rows.count("2.0.0"), 0u);
  EXPECT_EQ(rows.count("3.0.0"), 0u);
  EXPECT_EQ(rows.count("4.0.0"), 1u);
  EXPECT_EQ(database_.Rows(kChunksNamespace).size(), 3u + 1u);
  b.kv.Sync();
  std::vector<std::string> versions;
  for (const ClusterBuild& build : b.cluster->catalog().Builds()) {
    versions.push_back(build.build.version);
  }
  EXPECT_EQ(versions, (std::vector<std::string>{"4.0.0", "1.0.0"}));
}

TEST_F(ClusterBuildsTest, TheSweeperDeletesChunksACommitLeftHalfWay) {
  Master a(database_, "a");
  Master b(database_, "b");
  ASSERT_TRUE(a.Upload("1.0.0", RandomBytes(kBuildBytes, 16), true).has_value());
  // A master killed while writing build 7's chunks, an hour ago; one writing build 8 now; and
  // the pending row of build 1, whose commit wrote its metadata row but died before the rest.
  sr_kv_namespace* chunks = a.store.Open(kChunksNamespace);
  sr_kv_namespace* pending = a.store.Open(kPendingNamespace);
  const std::int64_t now = 1'800'000'000;
  a.store.Write(
      {sr::KvStore::Put(chunks, ChunkKey(7, 0), "x"), sr::KvStore::Put(chunks, ChunkKey(7, 1), "y"),
       sr::KvStore::Put(chunks, ChunkKey(8, 0), "z"),
       sr::KvStore::Put(pending, PendingKey(7),
                        PendingChunksJson({7, kChunkBytes * 3, now - 3601})),
       sr::KvStore::Put(pending, PendingKey(8), PendingChunksJson({8, 1, now - 10})),
       sr::KvStore::Put(pending, PendingKey(1), PendingChunksJson({1, kBuildBytes, now - 7200}))});
  std::string warning;
  EXPECT_EQ(b.cluster->SweepAbandoned(now, 3600, warning), 1u);
  EXPECT_TRUE(warning.empty()) << warning;
  auto rows = database_.Rows(kChunksNamespace);
  EXPECT_EQ(rows.count(ChunkKey(7, 0)) + rows.count(ChunkKey(7, 1)), 0u);
  EXPECT_EQ(rows.count(ChunkKey(8, 0)), 1u);
  EXPECT_EQ(rows.size(), 3u + 1u) << "build 1 keeps its chunks";
  auto left = database_.Rows(kPendingNamespace);
  EXPECT_EQ(left.size(), 1u);
  EXPECT_EQ(left.count(PendingKey(8)), 1u);
  // Only the lease holder sweeps.
  a.store.Write({sr::KvStore::Put(pending, PendingKey(9), PendingChunksJson({9, 1, 0}))});
  EXPECT_EQ(a.cluster->SweepAbandoned(now, 3600, warning), 0u);
  EXPECT_EQ(database_.Rows(kPendingNamespace).count(PendingKey(9)), 1u);
}

TEST_F(ClusterBuildsTest, PrunedBytesGoWithTheirPendingRows) {
  Master a(database_, "a", 1);
  ASSERT_TRUE(a.Upload("1.0.0", RandomBytes(1000, 17), true).has_value());
  ASSERT_TRUE(a.Upload("2.0.0", RandomBytes(1000, 18), true).has_value());
  ASSERT_TRUE(a.Upload("3.0.0", RandomBytes(1000, 19), true).has_value());
  EXPECT_EQ(database_.Rows(kBuildsNamespace).size(), 2u);  // 3.0.0 and .current
  EXPECT_EQ(database_.Rows(kChunksNamespace).size(), 1u);
  EXPECT_TRUE(database_.Rows(kPendingNamespace).empty());
}

}  // namespace
}  // namespace sr::file_distribution::testing
