// Masters of a cluster for the cluster-mode tests: each has its own build folder and store
// client over one in-memory shared database (sr/testing/fake_cluster_kv.hpp), with the
// ClusterBuilds and CurrentSync the plugin wires together.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sr/services/kv_store.hpp>
#include <sr/testing/fake_cluster_kv.hpp>

#include "build_folder.h"
#include "build_store.h"
#include "cluster_builds.h"
#include "current_sync.h"
#include "durable_file.h"
#include "sha256.h"
#include "temp_dir.h"
#include "zip_builder.h"

namespace sr::file_distribution::testing {

// Runs each job on a thread of its own, joined when the executor goes: the way the host's
// workers run the fetch while requests keep arriving.
class ThreadExecutor {
 public:
  ThreadExecutor() = default;
  ThreadExecutor(const ThreadExecutor&) = delete;
  ThreadExecutor& operator=(const ThreadExecutor&) = delete;
  ~ThreadExecutor() { Join(); }

  void Run(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    threads_.emplace_back(std::move(job));
  }
  void Join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (std::thread& thread : threads) thread.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

struct Master {
  Master(
      sr::testing::FakeClusterDatabase& database, const std::string& name,
      std::size_t keep_builds = 5,
      sr::testing::FakeClusterKv::Delivery delivery = sr::testing::FakeClusterKv::Delivery::kManual)
      : kv(database, name, delivery), store(kv.v1()) {
    std::vector<std::string> warnings;
    Result<BuildFolder> opened = BuildFolder::Open(dir.path() / "files", warnings);
    EXPECT_TRUE(opened.has_value());
    folder = std::make_unique<BuildFolder>(std::move(opened.value()));
    local = std::make_unique<BuildStore>(*folder, keep_builds);
    local->Load();
    cluster = std::make_unique<ClusterBuilds>(store, keep_builds);
    sync =
        std::make_unique<CurrentSync>(*folder, *local, *cluster, [this](std::function<void()> job) {
          if (threaded) {
            workers.Run(std::move(job));
          } else {
            job();
          }
        });
    cluster->Start(
        [this](const std::vector<CatalogChange>& seen) {
          std::lock_guard<std::mutex> lock(changes_mutex);
          changes.insert(changes.end(), seen.begin(), seen.end());
        },
        [this](const std::string& warning) {
          std::lock_guard<std::mutex> lock(changes_mutex);
          warnings_seen.push_back(warning);
        });
  }
  ~Master() {
    workers.Join();
    cluster->Stop();
  }

  // What the commit route does with a verified upload: the cluster first, then this disk.
  Result<PublishedBuild> Upload(const std::string& version, const std::string& bytes,
                                bool make_current) {
    std::string name = "upload-" + version + ".part";
    EXPECT_TRUE(WriteFileAtomically(folder->uploads_fd(), name, bytes).has_value());
    UniqueFd fd(::openat(folder->uploads_fd(), name.c_str(), O_RDONLY | O_CLOEXEC));
    BuildRecord build{version, bytes.size(), Sha256Hex(bytes), "alice", "2026-12-06T16:00:00Z"};
    Result<PublishedBuild> published = cluster->Publish(fd.get(), build, make_current, "alice");
    if (published.has_value()) {
      EXPECT_TRUE(local
                      ->Install(folder->uploads_fd(), name, build,
                                make_current ? InstallMode::kMakeCurrent : InstallMode::kStoreOnly)
                      .has_value());
      cluster->Adopt(published.value());
    }
    return published;
  }

  // The build the served file is, as a download finds it.
  std::optional<BuildRecord> Served() const {
    Result<OpenedBuild> opened = local->OpenServed();
    if (!opened.has_value()) return std::nullopt;
    return local->Find(opened.value().identity);
  }
  std::string ServedBytes() const {
    return sr::test::ReadFile(dir.path() / "files/game_server.zip");
  }

  // Runs a sync as a download does and returns its outcome.
  Status SyncNow() {
    std::optional<Status> outcome;
    sync->Sync([&outcome](Status status) { outcome = std::move(status); });
    EXPECT_TRUE(outcome.has_value()) << "an inline sync answers before returning";
    return outcome.value_or(Status{});
  }

  std::vector<CatalogChange> TakeChanges() {
    std::lock_guard<std::mutex> lock(changes_mutex);
    return std::exchange(changes, {});
  }

  sr::test::TempDir dir;
  sr::testing::FakeClusterKv kv;
  sr::KvStore store;
  std::unique_ptr<BuildFolder> folder;
  std::unique_ptr<BuildStore> local;
  std::unique_ptr<ClusterBuilds> cluster;
  std::unique_ptr<CurrentSync> sync;
  bool threaded = false;  // set before the first sync
  ThreadExecutor workers;
  std::mutex changes_mutex;
  std::vector<CatalogChange> changes;
  std::vector<std::string> warnings_seen;
};

}  // namespace sr::file_distribution::testing
