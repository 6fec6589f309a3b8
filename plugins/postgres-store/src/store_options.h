#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "store_health.h"

namespace sr::postgres_store {

struct StoreOptions {
  std::string conninfo;   // a libpq URI or key=value string
  std::string host_name;  // this master in sr_hosts and in the origin of its changes
  std::string address;    // where this master's server listens ("" when unknown)
  std::string version;    // the plugin's version, shown in GET /api/cluster
  std::chrono::milliseconds resync_interval{500};  // watches poll this often besides NOTIFY
  int readers = 4;                                 // connections for reads and sequences
  std::chrono::milliseconds heartbeat_interval{1000};
  // After each group commit: its time and how many operations it wrote.
  std::function<void(std::chrono::duration<double> took, std::size_t ops)> on_commit;
  // Transitions of the database's health (the plugin reports them to /health).
  StoreHealth::Listener on_health;
};

}  // namespace sr::postgres_store
