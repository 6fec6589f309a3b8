#pragma once

#include <cstdint>
#include <memory>
#include <sr/services/kv_store_provider.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "change_feed.h"
#include "cluster_view.h"
#include "group_commit_writer.h"
#include "host_heartbeat.h"
#include "lease_keeper.h"
#include "reader_pool.h"
#include "store_health.h"
#include "store_options.h"

namespace sr::postgres_store {

// The database cannot be opened at start-up (unreachable, refused, no permission for DDL).
class StoreOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Namespaced key-value storage in PostgreSQL shared by several masters: reads on a pool of
// connections, writes through the group-commit writer, changes of other masters through the
// change feed, leases, sequences and the sr_hosts heartbeat. THREAD: every method may be
// called from any thread.
class KvStore {
 public:
  // Connects and creates the schema; throws StoreOpenError.
  explicit KvStore(StoreOptions options);
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  KvStatus Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit);
  KvStatus Scan(std::string_view ns, std::string_view start, std::string_view end,
                std::uint32_t limit, bool reverse, const KvRowVisitor& visit);
  KvStatus Count(std::string_view ns, std::uint64_t& out);
  KvWriteOutcome Write(std::vector<KvWriteOp> ops);
  KvWriteOutcome WriteAsync(std::vector<KvWriteOp> ops, KvWriteCallback done);

  KvStatus NextId(std::string_view name, std::uint64_t& out);
  KvStatus Watch(std::string_view ns, KvChangeVisitor visit, std::uint64_t& handle);
  void Unwatch(std::uint64_t handle);
  bool Lead(std::string_view name);

  bool Healthy() const { return health_.healthy(); }
  std::string LastError() const { return health_.last_error(); }
  ClusterView Cluster() const;
  const std::string& host_name() const { return options_.host_name; }
  std::size_t queued_write_bytes() const { return writer_->queued_bytes(); }

  // Commits what is queued and stops the threads; later writes are refused.
  void Close();

 private:
  KvStatus Failed(const PgError& error);

  StoreOptions options_;
  StoreHealth health_;
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<LeaseKeeper> leases_;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<ChangeFeed> changes_;
  std::unique_ptr<HostHeartbeat> heartbeat_;
};

}  // namespace sr::postgres_store
