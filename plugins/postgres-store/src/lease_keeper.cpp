#include "lease_keeper.h"

#include "schema.h"

namespace sr::postgres_store {

LeaseKeeper::LeaseKeeper(const std::string& conninfo, StoreHealth& health)
    : slot_(conninfo, health) {}

bool LeaseKeeper::Lead(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    bool fresh = false;
    PgConnection& conn = slot_.Connect(fresh);
    // A new session holds nothing, whatever the old one had.
    if (fresh) {
      held_.clear();
      if (host_key_) {
        std::string key;
        conn.Query("SELECT pg_try_advisory_lock($1)", {Int8(*host_key_, key)});
      }
    }
    if (held_.count(name) > 0) {
      conn.Query("SELECT 1");
      return true;
    }
    std::string key;
    PgResult taken = conn.Query("SELECT pg_try_advisory_lock($1)", {Int8(LeaseKey(name), key)});
    if (!taken.Bool(0, 0)) return false;
    held_.emplace(name);
    return true;
  } catch (const PgError& e) {
    if (e.connection_lost()) {
      slot_.Drop();
      held_.clear();
    }
    return false;
  }
}

bool LeaseKeeper::ClaimHostName(std::string_view host_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::int64_t host_key = LeaseKey(std::string("sr-host:").append(host_name));
  bool fresh = false;
  PgConnection& conn = slot_.Connect(fresh);
  std::string key;
  if (!conn.Query("SELECT pg_try_advisory_lock($1)", {Int8(host_key, key)}).Bool(0, 0)) {
    return false;
  }
  host_key_ = host_key;
  return true;
}

std::vector<std::string> LeaseKeeper::Held() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::vector<std::string>(held_.begin(), held_.end());
}

}  // namespace sr::postgres_store
