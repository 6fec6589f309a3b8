#include "cluster.h"

#include <thread>

namespace sr::test::cluster {

std::string MasterYaml(const std::string& conninfo, const MasterOptions& options) {
  std::string yaml =
      "server:\n"
      "  bind: 127.0.0.1\n"
      "  port: 0\n"
      "plugins:\n"
      "  - id: postgres-store\n"
      "    config:\n"
      "      conninfo: \"";
  yaml.append(conninfo)
      .append("\"\n")
      .append(options.store_config)
      .append("  - id: spawner-registry\n    config:\n")
      // The default deployment's TTL unless the test sets its own.
      .append(options.registry_config.find("      ttl:") == std::string::npos ? "      ttl: 60s\n"
                                                                             : "")
      .append(options.registry_config)
      // The cheapest password hashing the auth plugin accepts: sign-ins are not measured here.
      .append(
          "  - id: auth\n"
          "    config:\n"
          "      argon2_opslimit: 1\n"
          "      argon2_memlimit: 8KiB\n"
          "      api_keys:\n"
          "        - {name: fleet, key: \"")
      .append(kSpawnerKey)
      .append("\", role: spawner}\n        - {name: ops, key: \"")
      .append(kOperatorKey)
      .append("\", role: operator}\n")
      .append(options.extra_plugins);
  return yaml;
}

std::map<std::string, std::string> MasterEnv() {
  return {{"ADMIN_EMAIL", kAdminEmail}, {"ADMIN_PASSWORD", kAdminPassword}};
}

void ClusterTest::SetUp() {
  std::optional<PgServer> started = PgServer::Start();
  if (!started) GTEST_SKIP() << PgServer::SkipReason();
  pg_.emplace(std::move(*started));  // PgServer moves, but does not move-assign
}

void ClusterTest::TearDown() {
  // Masters first, and cleanly: SIGTERM must stop a master with its store's threads, watches
  // and connections (under AddressSanitizer the exit status also reports leaks). A master a
  // test killed is not running any more.
  for (std::size_t i = 0; i < masters_.size(); ++i) {
    TestHost& host = *masters_[i];
    if (!host.Running()) continue;
    EXPECT_EQ(host.Stop(), 0) << "master " << i + 1 << " did not stop cleanly:\n" << host.Output();
  }
  masters_.clear();
  pg_.reset();
}

TestHost* ClusterTest::StartMaster(const MasterOptions& options) {
  masters_.push_back(std::make_unique<TestHost>(MasterYaml(pg_->conninfo(), options), MasterEnv()));
  TestHost& host = *masters_.back();
  if (!host.Start()) {
    ADD_FAILURE() << "master " << masters_.size() << " did not start:\n" << host.Output();
    return nullptr;
  }
  return &host;
}

bool ClusterTest::StartMasters(std::size_t count, const MasterOptions& options) {
  std::size_t first = masters_.size();
  for (std::size_t i = 0; i < count; ++i) {
    masters_.push_back(
        std::make_unique<TestHost>(MasterYaml(pg_->conninfo(), options), MasterEnv()));
  }
  std::vector<int> started(count, 0);
  std::vector<std::thread> starters;
  for (std::size_t i = 0; i < count; ++i) {
    starters.emplace_back([&, i] { started[i] = masters_[first + i]->Start() ? 1 : 0; });
  }
  for (auto& starter : starters) starter.join();
  bool all = true;
  for (std::size_t i = 0; i < count; ++i) {
    if (started[i] == 0) {
      ADD_FAILURE() << "master " << first + i + 1 << " did not start:\n"
                    << masters_[first + i]->Output();
      all = false;
    }
  }
  return all;
}

}  // namespace sr::test::cluster
