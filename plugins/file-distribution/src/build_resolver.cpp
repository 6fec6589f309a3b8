#include "build_resolver.h"

#include <sys/stat.h>

#include <cerrno>
#include <exception>
#include <string>

#include "sha256.h"

namespace sr::file_distribution {

BuildResolver::BuildResolver(BuildStore& store, Executor executor, NewBuildListener on_new_build)
    : store_(store), executor_(std::move(executor)), on_new_build_(std::move(on_new_build)) {}

void BuildResolver::Resolve(OpenedBuild file, Callback done) {
  if (std::optional<BuildRecord> build = store_.Find(file.identity)) {
    done(ResolvedBuild{std::move(file), std::move(*build)});
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  Pending* pending = nullptr;
  for (Pending& candidate : pending_) {
    if (candidate.identity == file.identity) pending = &candidate;
  }
  if (pending == nullptr) {
    if (pending_.size() >= kMaxPendingFiles) {
      lock.unlock();
      done(MakeError(ErrorKind::kUnavailable,
                     "too many versions of the build file wait for their digest; retry"));
      return;
    }
    pending = &pending_.emplace_back(Pending{file.identity, {}});
  }
  pending->waiters.push_back(Waiter{std::move(file), std::move(done)});
  if (draining_) return;  // the running drain will get to it
  draining_ = true;
  lock.unlock();
  try {
    executor_([this] { Drain(); });
  } catch (const std::exception& e) {
    FailAll(Error{ErrorKind::kInternal,
                  std::string("cannot schedule the digest computation: ") + e.what(),
                  std::nullopt});
  }
}

void BuildResolver::FailAll(const Error& error) {
  std::list<Pending> failed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    failed.swap(pending_);
    draining_ = false;
  }
  for (Pending& pending : failed) {
    for (Waiter& waiter : pending.waiters) waiter.done(tl::make_unexpected(error));
  }
}

void BuildResolver::Drain() {
  while (true) {
    const Pending* front = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending_.empty()) {
        draining_ = false;
        return;
      }
      front = &pending_.front();
    }
    // Only Drain removes entries, and only the front one: `front` stays valid, though more
    // waiters may join it meanwhile (its waiter list is not read until taken under the lock).
    Result<RecordedDigest> recorded = MakeError(ErrorKind::kInternal, "digest not computed");
    try {
      recorded = Hash(*front);
    } catch (const std::exception& e) {
      recorded = MakeError(ErrorKind::kInternal, std::string("digest failed: ") + e.what());
    }
    std::vector<Waiter> waiters;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      waiters = std::move(pending_.front().waiters);
      pending_.pop_front();
    }
    // The callbacks answer their own failures; a throw that still escapes one (allocation)
    // must not strand the other waiters or leave `draining_` set.
    try {
      if (recorded.has_value() && recorded.value().newly_served && on_new_build_) {
        on_new_build_(recorded.value());
      }
    } catch (const std::exception&) {
    }
    for (Waiter& waiter : waiters) {
      try {
        if (recorded.has_value()) {
          waiter.done(ResolvedBuild{std::move(waiter.file), recorded.value().build});
        } else {
          waiter.done(tl::make_unexpected(recorded.error()));
        }
      } catch (const std::exception&) {
      }
    }
  }
}

Result<RecordedDigest> BuildResolver::Hash(const Pending& pending) {
  int fd = -1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fd = pending.waiters.front().file.fd.get();
  }
  Result<std::string> digest = Sha256OfFile(fd, pending.identity.size);
  if (!digest.has_value() && digest.error().kind != ErrorKind::kUnavailable) {
    return tl::make_unexpected(digest.error());
  }
  struct stat info {};
  if (!digest.has_value() || ::fstat(fd, &info) != 0 || IdentityOf(info) != pending.identity) {
    return MakeError(ErrorKind::kUnavailable,
                     "the build file changed while its digest was computed; retry");
  }
  return store_.RecordDigest(pending.identity, digest.value());
}

}  // namespace sr::file_distribution
