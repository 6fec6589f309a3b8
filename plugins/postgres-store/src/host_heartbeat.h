#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster_view.h"
#include "connection_slot.h"
#include "lease_keeper.h"
#include "store_options.h"

namespace sr::postgres_store {

// The store's housekeeping thread. Every heartbeat_interval: upserts this master's row of
// sr_hosts (address, version, leases, last_seen), reads every row for GET /api/cluster (so
// the route never waits for the database), and tells the store's health. Every minute the
// holder of the lease "postgres-store-purge" removes tombstones older than 24 h (watchers
// have long seen them) and hosts not seen for as long. A clean stop removes this master's row.
class HostHeartbeat {
 public:
  HostHeartbeat(const StoreOptions& options, StoreHealth& health, LeaseKeeper& leases);
  ~HostHeartbeat();
  HostHeartbeat(const HostHeartbeat&) = delete;
  HostHeartbeat& operator=(const HostHeartbeat&) = delete;

  // The hosts as last read (empty before the first heartbeat).
  std::vector<HostRow> Hosts() const;
  // Stops the thread and removes this master's row (idempotent).
  void Stop();

 private:
  void Run();
  void Beat(PgConnection& conn);
  void Purge(PgConnection& conn);

  ConnectionSlot slot_;
  StoreHealth& health_;
  LeaseKeeper& leases_;
  StoreOptions options_;
  bool started_ = false;  // the first upsert sets started_at (writer thread only)
  std::chrono::steady_clock::time_point next_purge_{};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<HostRow> hosts_;
  std::thread thread_;
};

}  // namespace sr::postgres_store
