// Finds out which build an unknown served file is (one placed by hand, or the first
// request after a start): its SHA-256 is computed once, on the executor (a worker thread),
// however many requests wait for it; each waiter is then called back with its own open file.
// Files with different identities are hashed one after another, never concurrently.
#pragma once

#include <functional>
#include <list>
#include <mutex>
#include <vector>

#include "build_record.h"
#include "build_store.h"
#include "file_identity.h"
#include "result.h"

namespace sr::file_distribution {

struct ResolvedBuild {
  OpenedBuild file;
  BuildRecord build;
};

class BuildResolver {
 public:
  using Executor = std::function<void(std::function<void()>)>;
  using Callback = std::function<void(Result<ResolvedBuild>)>;
  // Told about a build placed by hand that is now served (after its digest is recorded).
  using NewBuildListener = std::function<void(const RecordedDigest&)>;

  // At most this many different unknown files wait at once; more get kUnavailable.
  static constexpr std::size_t kMaxPendingFiles = 8;

  BuildResolver(BuildStore& store, Executor executor, NewBuildListener on_new_build);
  BuildResolver(const BuildResolver&) = delete;
  BuildResolver& operator=(const BuildResolver&) = delete;

  // Calls `done` with the build `file` is: at once when the store knows it, otherwise from
  // the executor once the digest is known. Errors: kUnavailable when the file changed while
  // being read or too many files wait, kInternal when it cannot be read.
  void Resolve(OpenedBuild file, Callback done);

 private:
  struct Waiter {
    OpenedBuild file;
    Callback done;
  };
  struct Pending {
    FileIdentity identity;
    std::vector<Waiter> waiters;
  };

  void Drain();
  // Answers every waiter with `error` (when the executor refuses work).
  void FailAll(const Error& error);
  // The digest of one file, recorded in the store.
  Result<RecordedDigest> Hash(const Pending& pending);

  BuildStore& store_;
  Executor executor_;
  NewBuildListener on_new_build_;
  std::mutex mutex_;
  std::list<Pending> pending_;  // oldest first; a list, so that the front stays put
  bool draining_ = false;
};

}  // namespace sr::file_distribution
