// A cluster for the end-to-end tests: one temporary PostgreSQL and several real spawner-master
// processes, each with its own folder and plugins.yaml, all pointed at that database through
// the postgres-store plugin, as an operator would deploy them behind a load balancer.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pg_server.h"
#include "test_host.h"

namespace sr::test::cluster {

inline constexpr char kSpawnerKey[] = "cluster-e2e-spawner-key-0123456789";
inline constexpr char kOperatorKey[] = "cluster-e2e-operator-key-012345678";
inline constexpr char kAdminEmail[] = "admin@example.com";
inline constexpr char kAdminPassword[] = "cluster e2e admin password";

struct MasterOptions {
  // Extra lines of spawner-registry's config, each indented by 6 spaces.
  std::string registry_config;
  // Extra lines of postgres-store's config, each indented by 6 spaces.
  std::string store_config;
  // Extra plugin entries (each "  - id: ..." with its config).
  std::string extra_plugins;
};

// plugins.yaml of one master: postgres-store on `conninfo`, spawner-registry, auth with a
// spawner key and an operator key; on a free loopback port.
std::string MasterYaml(const std::string& conninfo, const MasterOptions& options);

// The same secrets for every master, as one deployment shares them.
std::map<std::string, std::string> MasterEnv();

// Starts PostgreSQL in SetUp (the test is skipped when it is not installed) and masters on
// demand; everything is stopped by TearDown, masters before the database.
class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts one more master; fails the test (and returns nullptr) if it does not start.
  TestHost* StartMaster(const MasterOptions& options = {});
  // Starts `count` masters at once, as a whole-cluster start would (they race through the
  // schema and the first-start bootstrap); true when all of them listen.
  bool StartMasters(std::size_t count, const MasterOptions& options = {});

  PgServer& pg() { return *pg_; }
  TestHost& master(std::size_t index) { return *masters_.at(index); }
  std::size_t master_count() const { return masters_.size(); }

 private:
  std::optional<PgServer> pg_;
  std::vector<std::unique_ptr<TestHost>> masters_;
};

}  // namespace sr::test::cluster
