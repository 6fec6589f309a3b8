#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "group_commit_writer.h"
#include "reader_pool.h"
#include "store_health.h"
#include "store_options.h"
#include "store_types.h"

namespace sr::sqlite_store {

// The database cannot be used: not a database, corrupt, read-only, a newer schema. The message
// names the path and says what is wrong.
class StoreOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A namespaced, ordered key-value store over SQLite in WAL mode: one writer thread that
// group-commits batches, reads on their own connections. Thread-safe.
class KvStore {
 public:
  // Opens (creating folders and file) and migrates the database. Throws StoreOpenError.
  explicit KvStore(StoreOptions options, StoreLogger logger = {});
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  const std::string& path() const { return options_.path; }
  int schema_version() const { return schema_version_; }

  KvStatus Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit);
  // Keys in [start, end) in order (reverse: descending); empty `end`: no upper bound;
  // `limit` 0: no limit.
  KvStatus Scan(std::string_view ns, std::string_view start, std::string_view end,
                std::uint32_t limit, bool reverse, const KvRowVisitor& visit);
  KvStatus Count(std::string_view ns, std::uint64_t& out);

  // Applies `ops` atomically; returns once committed (or failed).
  KvWriteOutcome Write(std::vector<KvWriteOp> ops);
  // Queues `ops`; `done` runs on the writer thread after the commit. A refusal is returned at
  // once, and then `done` is never called.
  KvWriteOutcome WriteAsync(std::vector<KvWriteOp> ops, KvWriteCallback done);

  bool Healthy() const { return health_.healthy(); }
  std::string LastError() const { return health_.last_error(); }

  // Commits what is queued and refuses further writes; reads keep working.
  void Close();

 private:
  template <typename Fn>
  KvStatus Read(Fn&& fn);

  StoreOptions options_;
  StoreHealth health_;
  int schema_version_ = 0;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<ReaderPool> readers_;  // null for ":memory:": reads share the writer's
};

}  // namespace sr::sqlite_store
