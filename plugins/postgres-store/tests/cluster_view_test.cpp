// The body of GET /api/cluster (no PostgreSQL needed).
#include "cluster_view.h"

#include <gtest/gtest.h>

namespace sr::postgres_store {
namespace {

TEST(ClusterJson, MatchesTheContract) {
  ClusterView view;
  view.this_host = "a:8081";
  view.database_healthy = true;
  HostRow a{"a:8081", "127.0.0.1:8081",   "1.0.0", "2026-12-06T16:00:00Z", "2026-12-06T16:05:00Z",
            true,     {"spawner-sweeper"}};
  HostRow b{
      "b:8082", "127.0.0.1:8082", "1.0.0", "2026-12-06T16:00:01Z", "2026-12-06T16:01:00Z", false,
      {}};
  view.hosts = {a, b};
  EXPECT_EQ(ClusterJson(view),
            "{\"this_host\":\"a:8081\",\"database\":{\"healthy\":true,\"error\":\"\"},\"hosts\":["
            "{\"name\":\"a:8081\",\"address\":\"127.0.0.1:8081\",\"version\":\"1.0.0\","
            "\"started_at\":\"2026-12-06T16:00:00Z\",\"last_seen\":\"2026-12-06T16:05:00Z\","
            "\"healthy\":true,\"this_host\":true,\"leases\":[\"spawner-sweeper\"]},"
            "{\"name\":\"b:8082\",\"address\":\"127.0.0.1:8082\",\"version\":\"1.0.0\","
            "\"started_at\":\"2026-12-06T16:00:01Z\",\"last_seen\":\"2026-12-06T16:01:00Z\","
            "\"healthy\":false,\"this_host\":false,\"leases\":[]}]}");
}

TEST(ClusterJson, ADatabaseErrorIsEscaped) {
  ClusterView view;
  view.this_host = "a";
  view.database_error = "connection to \"db\" refused\n";
  std::string json = ClusterJson(view);
  EXPECT_NE(json.find("\"healthy\":false,\"error\":\"connection to \\\"db\\\" refused\\n\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"hosts\":[]"), std::string::npos);
}

}  // namespace
}  // namespace sr::postgres_store
