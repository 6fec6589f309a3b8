// A plain-C plugin (tests/fixtures/region_counts.c) counts spawners per region through the
// spawner-directory v2 service of the real registry, in the real executable: by visiting
// the spawners as C structs and from the service's own per-region totals.
#include <gtest/gtest.h>

#include <string>

#include "e2e_support.h"

namespace sr::spawner_registry::testing {
namespace {

using sr::test::HttpClient;
using sr::test::TestHost;

std::string Body(const std::string& region, int port, int max_instances, int current) {
  return R"({"region":")" + region + R"(","host":"127.0.0.1","port":)" + std::to_string(port) +
         R"(,"max_instances":)" + std::to_string(max_instances) + R"(,"current_instances":)" +
         std::to_string(current) + "}";
}

TEST(SpawnerRegistryRegionCountsE2e, PlainCPluginCountsSpawnersPerRegionWithoutJson) {
  TestHost host(RegistryYaml(false) +
                "  - id: region-counts\n    path: {{FIXTURE_DIR}}/region-counts.so\n");
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());

  auto empty = client.Get("/region-counts");
  EXPECT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.body, "");

  ASSERT_EQ(client.Post("/api/spawners", Body("eu-west", 7001, 10, 1)).status, 201);
  ASSERT_EQ(client.Post("/api/spawners", Body("us-east", 7002, 4, 3)).status, 201);
  ASSERT_EQ(client.Post("/api/spawners", Body("eu-west", 7003, 6, 2)).status, 201);
  auto counted = client.Get("/region-counts");
  EXPECT_EQ(counted.status, 200);
  EXPECT_EQ(counted.body,
            "visit eu-west 2\n"
            "visit us-east 1\n"
            "totals eu-west 2 0 3 16\n"
            "totals us-east 1 0 3 4\n");

  ASSERT_EQ(client.Request("DELETE", SpawnerPath(2)).status, 200);
  EXPECT_EQ(client.Get("/region-counts").body,
            "visit eu-west 2\n"
            "totals eu-west 2 0 3 16\n");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::spawner_registry::testing
