#pragma once

#include <string>
#include <vector>

namespace sr::postgres_store {

// One master of the cluster, as sr_hosts has it.
struct HostRow {
  std::string name;
  std::string address;
  std::string version;
  std::string started_at;  // RFC 3339
  std::string last_seen;   // RFC 3339
  bool healthy = false;    // heartbeat seen within the last 5 s (by the database's clock)
  std::vector<std::string> leases;
};

struct ClusterView {
  std::string this_host;
  bool database_healthy = false;
  std::string database_error;
  std::vector<HostRow> hosts;
};

// The body of GET /api/cluster:
// {"this_host":"a:8081","database":{"healthy":true,"error":""},"hosts":[{"name":"a:8081",
//  "address":"127.0.0.1:8081","version":"1.0.0","started_at":"...","last_seen":"...",
//  "healthy":true,"this_host":true,"leases":["spawner-sweeper"]}]}
std::string ClusterJson(const ClusterView& view);

}  // namespace sr::postgres_store
