#include "current_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#include "durable_file.h"
#include "names.h"

namespace sr::file_distribution {

CurrentSync::CurrentSync(const BuildFolder& folder, BuildStore& local, ClusterBuilds& cluster,
                         Executor executor)
    : folder_(folder), local_(local), cluster_(cluster), executor_(std::move(executor)) {}

bool CurrentSync::InSync(const std::optional<BuildRecord>& served) const {
  std::optional<ClusterBuild> current = cluster_.catalog().CurrentBuild();
  if (!current) return true;
  return served && served->version == current->build.version &&
         served->sha256 == current->build.sha256;
}

void CurrentSync::Sync(Callback done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiters_.push_back(std::move(done));
    if (running_) return;
    running_ = true;
  }
  try {
    executor_([this] { Drain(); });
  } catch (const std::exception& e) {
    std::vector<Callback> waiters;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      waiters.swap(waiters_);
      running_ = false;
    }
    Error error{ErrorKind::kUnavailable, std::string("cannot fetch the build: ") + e.what(), {}};
    for (Callback& waiter : waiters) waiter(tl::make_unexpected(error));
  }
}

std::uint64_t CurrentSync::fetches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fetches_;
}

// Waiters that arrive during a run get a run of their own, which finds the work done unless
// the current build changed meanwhile.
void CurrentSync::Drain() {
  while (true) {
    std::vector<Callback> waiters;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      waiters.swap(waiters_);
      if (waiters.empty()) {
        running_ = false;
        return;
      }
    }
    Status status = SyncOnce();
    for (Callback& waiter : waiters) waiter(status);
  }
}

Status CurrentSync::SyncOnce() {
  std::optional<ClusterBuild> current = cluster_.catalog().CurrentBuild();
  if (!current) return {};
  const BuildRecord& target = current->build;
  std::optional<std::string> served = local_.CurrentVersion();
  std::vector<BuildRecord> kept = local_.Builds();
  auto local = std::find_if(kept.begin(), kept.end(), [&](const BuildRecord& build) {
    return build.version == target.version;
  });
  if (local != kept.end() && local->sha256 == target.sha256) {
    if (served == target.version) return {};
    Result<Activation> activated = local_.Activate(target.version);
    if (!activated.has_value()) return tl::make_unexpected(activated.error());
    return {};
  }
  if (local != kept.end()) {
    // The version was deleted and uploaded again with other bytes: the copy here is stale.
    Status removed = local_.Remove(target.version);
    if (!removed.has_value()) return removed;
  }
  Result<std::string> fetched = Fetch(*current);
  if (!fetched.has_value()) return tl::make_unexpected(fetched.error());
  Result<Activation> installed =
      local_.Install(folder_.builds_fd(), fetched.value(), target, InstallMode::kMakeCurrent);
  if (!installed.has_value()) {
    RemoveFile(folder_.builds_fd(), fetched.value());
    return tl::make_unexpected(installed.error());
  }
  return {};
}

Result<std::string> CurrentSync::Fetch(const ClusterBuild& build) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++fetches_;
  }
  std::string name = TempName(BuildFileName(build.build.version));
  UniqueFd fd(::openat(folder_.builds_fd(), name.c_str(),
                       O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return tl::make_unexpected(IoError("create a file in builds/", errno));
  Status fetched = cluster_.Fetch(build, fd.get());
  if (fetched.has_value() && ::fsync(fd.get()) != 0) {
    fetched = tl::make_unexpected(IoError("fsync the fetched build", errno));
  }
  if (!fetched.has_value()) {
    RemoveFile(folder_.builds_fd(), name);
    return tl::make_unexpected(fetched.error());
  }
  return name;
}

}  // namespace sr::file_distribution
