// The calls the cluster tests make on a master, over the raw test client: the spawner API
// (with the shared spawner key), the operator's view of the fleet, /health and /api/cluster.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eventually.h"
#include "http_client.h"

namespace sr::test::cluster {

// A registration body for a spawner on loopback at `port`.
std::string RegistrationBody(int port);

// POST /api/spawners; the new id, or nullopt with the answer's status in `*status` (0: the
// connection failed, which acknowledges nothing either).
std::optional<std::uint64_t> Register(HttpClient& client, int port, int* status = nullptr);
std::uint64_t RegisterOrFail(std::uint16_t master_port, int spawner_port = 7777);

// POST /api/spawners/{id}/heartbeat; the status (0: no answer).
int Heartbeat(HttpClient& client, std::uint64_t id, int current_instances = 1);
// DELETE /api/spawners/{id} with the operator key; the status (0: no answer).
int Delete(HttpClient& client, std::uint64_t id);
// GET /api/spawners/{id} with the operator key; the status (0: no answer).
int Lookup(HttpClient& client, std::uint64_t id);

struct SpawnerView {
  std::uint64_t id = 0;
  int current_instances = 0;
  std::string last_seen;  // RFC 3339 with milliseconds, as served
};
std::optional<SpawnerView> GetSpawner(std::uint16_t master_port, std::uint64_t id);

// Every spawner id a master lists (GET /api/spawners with the operator key); nullopt when the
// list cannot be read.
std::optional<std::set<std::uint64_t>> ListedIds(std::uint16_t master_port);

// GET /health: "healthy", "degraded" (with the reasons in `*detail`), or "" without an answer.
std::string HealthStatus(std::uint16_t master_port, std::string* detail = nullptr);

struct ClusterHost {
  std::string name;
  bool healthy = false;
  bool this_host = false;
  std::vector<std::string> leases;
};
struct ClusterView {
  std::string this_host;
  bool database_healthy = false;
  std::vector<ClusterHost> hosts;
};
// GET /api/cluster with the operator key.
std::optional<ClusterView> GetCluster(std::uint16_t master_port);

}  // namespace sr::test::cluster
