#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connection_slot.h"

namespace sr::postgres_store {

// Cluster-wide leases: session advisory locks (pg_try_advisory_lock) on a connection of their
// own. PostgreSQL releases them when that session ends, so a master that dies or loses the
// database loses its leases, and another master's next Lead takes them.
class LeaseKeeper {
 public:
  LeaseKeeper(const std::string& conninfo, StoreHealth& health);
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // True if this master holds `name` now (taking it when free). A held lease is confirmed
  // with a round trip: a dead connection means the lease may already be someone else's.
  bool Lead(std::string_view name);
  // The leases held, for sr_hosts.
  std::vector<std::string> Held() const;

  // Takes the lock that says "a master named `host_name` is connected", held as long as this
  // keeper's session and taken again after a reconnection. False when another live master
  // has it: two masters of one name would each take the other's changes for their own and
  // never see them. Throws PgError when the database cannot be reached.
  bool ClaimHostName(std::string_view host_name);

 private:
  mutable std::mutex mutex_;
  ConnectionSlot slot_;
  std::set<std::string, std::less<>> held_;
  std::optional<std::int64_t> host_key_;  // set once ClaimHostName succeeded
};

}  // namespace sr::postgres_store
