#include "build_resolver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <thread>

#include "sha256.h"
#include "store_fixture.h"
#include "zip_builder.h"

namespace sr::file_distribution {
namespace {

using testing::MakeZipOfSize;
using testing::ReadAll;

// Jobs are kept until the test runs them.
class ManualExecutor {
 public:
  BuildResolver::Executor executor() {
    return [this](std::function<void()> job) { jobs_.push_back(std::move(job)); };
  }
  std::size_t queued() const { return jobs_.size(); }
  void RunAll() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }

 private:
  std::deque<std::function<void()>> jobs_;
};

class BuildResolverTest : public testing::FolderFixture {
 protected:
  BuildResolverTest() : store_(*folder_, 5) {}

  BuildResolver MakeResolver(BuildResolver::Executor executor) {
    return BuildResolver(store_, std::move(executor), [this](const RecordedDigest& recorded) {
      announced_.push_back(recorded);
    });
  }

  OpenedBuild Open() {
    Result<OpenedBuild> opened = store_.OpenServed();
    EXPECT_TRUE(opened.has_value());
    return std::move(opened.value());
  }

  BuildStore store_;
  std::vector<RecordedDigest> announced_;
};

TEST_F(BuildResolverTest, AKnownFileResolvesAtOnce) {
  std::string bytes = MakeZipOfSize(100, 1);
  BuildRecord build{"1.0", bytes.size(), Sha256Hex(bytes), "ann", ""};
  ASSERT_TRUE(store_.Install(folder_->uploads_fd(), Stage(bytes), build).has_value());
  ManualExecutor executor;
  BuildResolver resolver = MakeResolver(executor.executor());
  bool called = false;
  resolver.Resolve(Open(), [&](Result<ResolvedBuild> resolved) {
    ASSERT_TRUE(resolved.has_value());
    EXPECT_EQ(resolved.value().build, build);
    called = true;
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(executor.queued(), 0u);
}

TEST_F(BuildResolverTest, ManyWaitersShareOneDigest) {
  std::string bytes = MakeZipOfSize(200000, 2);
  PlaceByHand(bytes);
  ManualExecutor executor;
  BuildResolver resolver = MakeResolver(executor.executor());
  std::vector<std::string> contents;
  std::vector<std::string> versions;
  for (int i = 0; i < 5; ++i) {
    resolver.Resolve(Open(), [&](Result<ResolvedBuild> resolved) {
      ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
      versions.push_back(resolved.value().build.version);
      contents.push_back(ReadAll(resolved.value().file.fd.get()));
    });
  }
  EXPECT_EQ(executor.queued(), 1u);
  EXPECT_TRUE(versions.empty());
  executor.RunAll();
  ASSERT_EQ(versions.size(), 5u);
  for (std::size_t i = 0; i < versions.size(); ++i) {
    EXPECT_EQ(versions[i], versions[0]);
    EXPECT_EQ(contents[i], bytes);
  }
  ASSERT_EQ(announced_.size(), 1u);
  EXPECT_EQ(announced_[0].build.sha256, Sha256Hex(bytes));
  EXPECT_TRUE(store_.Find(IdentityOfPath(served_path())));
}

TEST_F(BuildResolverTest, AFileChangedWhileHashedIsReportedAsTransient) {
  PlaceByHand(MakeZipOfSize(1000, 3));
  ManualExecutor executor;
  BuildResolver resolver = MakeResolver(executor.executor());
  std::optional<Error> failure;
  resolver.Resolve(Open(), [&](Result<ResolvedBuild> resolved) {
    ASSERT_FALSE(resolved.has_value());
    failure = resolved.error();
  });
  {
    std::ofstream append(served_path(), std::ios::binary | std::ios::app);
    append << "more bytes written in place";
  }
  executor.RunAll();
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(announced_.empty());
}

TEST_F(BuildResolverTest, AnExecutorThatRefusesWorkFailsTheWaiters) {
  PlaceByHand(MakeZipOfSize(1000, 4));
  BuildResolver resolver =
      MakeResolver([](std::function<void()>) { throw std::runtime_error("shutting down"); });
  std::optional<Error> failure;
  resolver.Resolve(Open(), [&](Result<ResolvedBuild> resolved) {
    ASSERT_FALSE(resolved.has_value());
    failure = resolved.error();
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, ErrorKind::kInternal);
}

TEST_F(BuildResolverTest, ConcurrentRequestsOnWorkerThreadsAllGetTheBuild) {
  std::string bytes = MakeZipOfSize(500000, 5);
  PlaceByHand(bytes);
  std::vector<std::thread> workers;
  std::mutex workers_mutex;
  std::atomic<int> jobs{0};
  BuildResolver resolver = MakeResolver([&](std::function<void()> job) {
    ++jobs;
    std::lock_guard<std::mutex> lock(workers_mutex);
    workers.emplace_back(std::move(job));
  });
  std::mutex mutex;
  std::condition_variable answered;
  int answers = 0;
  std::vector<std::thread> requests;
  for (int i = 0; i < 16; ++i) {
    requests.emplace_back([&] {
      resolver.Resolve(Open(), [&](Result<ResolvedBuild> resolved) {
        EXPECT_TRUE(resolved.has_value());
        std::lock_guard<std::mutex> lock(mutex);
        ++answers;
        answered.notify_all();
      });
    });
  }
  for (auto& request : requests) request.join();
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(answered.wait_for(lock, std::chrono::seconds(20), [&] { return answers == 16; }));
  }
  std::lock_guard<std::mutex> lock(workers_mutex);
  for (auto& worker : workers) worker.join();
  EXPECT_GE(jobs.load(), 1);
  EXPECT_EQ(announced_.size(), 1u);
}

}  // namespace
}  // namespace sr::file_distribution
