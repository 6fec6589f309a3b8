// The real spawner-master with postgres-store in plugins.yaml: it starts over a throw-away
// PostgreSQL, auth keeps its data there, GET /api/cluster lists this master, and a missing or
// unusable conninfo stops start-up with a clear message.
#include <gtest/gtest.h>

#include <thread>

#include "http_client.h"
#include "pg_server.h"
#include "test_host.h"

namespace sr::test {
namespace {

constexpr char kAdminKey[] = "pg-e2e-admin-key-0123456789abcdef";

std::string Yaml(const std::string& store_config) {
  return std::string(
             "server:\n"
             "  bind: 127.0.0.1\n"
             "  port: 0\n"
             "plugins:\n"
             "  - id: postgres-store\n"
             "    config:\n")
      .append(store_config)
      .append(
          "  - id: auth\n"
          "    config:\n"
          "      argon2_opslimit: 1\n"
          "      argon2_memlimit: 8KiB\n");
}

std::map<std::string, std::string> Env(const std::string& database_url) {
  return {{"DATABASE_URL", database_url},
          {"ADMIN_API_KEY", kAdminKey},
          {"ADMIN_PASSWORD", "pg-e2e-password-0123456789"}};
}

RunResult RunHost(const std::string& yaml, const std::map<std::string, std::string>& env) {
  TempDir dir;
  dir.Write("plugins.yaml", yaml);
  return TestHost::Run({"--config", "plugins.yaml"}, dir, env, std::chrono::seconds(20));
}

TEST(PostgresStoreHost, ServesTheClusterRouteOverTheDatabase) {
  auto pg = PgServer::Start();
  if (!pg) GTEST_SKIP() << PgServer::SkipReason();
  TestHost host(Yaml("      conninfo: ${DATABASE_URL}\n      host_name: e2e-a\n"),
                Env(pg->conninfo()));
  ASSERT_TRUE(host.Start()) << host.Output();

  EXPECT_EQ(Fetch(host.port(), "GET", "/api/cluster").status, 401);
  HttpResponse response;
  for (int attempt = 0; attempt < 50; ++attempt) {
    response = Fetch(host.port(), "GET", "/api/cluster", "", {{"X-API-Key", kAdminKey}});
    if (response.body.find("\"name\":\"e2e-a\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"this_host\":\"e2e-a\",\"database\":{\"healthy\":true,"
                               "\"error\":\"\"},\"hosts\":[{\"name\":\"e2e-a\""),
            std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find("\"this_host\":true"), std::string::npos) << response.body;
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

// Polls GET `target` (every 100 ms, up to `tries` times) until the body contains `text`.
HttpResponse FetchUntil(std::uint16_t port, const std::string& target, const std::string& text,
                        int tries = 100) {
  HttpResponse response;
  for (int attempt = 0; attempt < tries; ++attempt) {
    response = Fetch(port, "GET", target, "", {{"X-API-Key", kAdminKey}});
    if (response.body.find(text) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return response;
}

TEST(PostgresStoreHost, HealthIsDegradedWhileTheDatabaseIsDownAndTheNameIsHostAndPort) {
  auto pg = PgServer::Start();
  if (!pg) GTEST_SKIP() << PgServer::SkipReason();
  TestHost host(Yaml("      conninfo: ${DATABASE_URL}\n"), Env(pg->conninfo()));
  ASSERT_TRUE(host.Start()) << host.Output();
  // The default name is <hostname>:<the port the server listens on>.
  std::string port = std::to_string(host.port());
  std::string address = std::string("\"address\":\"127.0.0.1:").append(port).append("\"");
  HttpResponse cluster = FetchUntil(host.port(), "/api/cluster", address);
  EXPECT_NE(cluster.body.find(std::string(":").append(port).append("\",\"database\"")),
            std::string::npos)
      << cluster.body;
  EXPECT_NE(cluster.body.find(address), std::string::npos) << cluster.body;
  EXPECT_EQ(Fetch(host.port(), "GET", "/health").body.find("degraded"), std::string::npos);

  pg->Stop();
  HttpResponse health = FetchUntil(host.port(), "/health", "degraded");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("{\"plugin\":\"postgres-store\",\"reason\":\"database unreachable: "),
            std::string::npos)
      << health.body;
  EXPECT_NE(FetchUntil(host.port(), "/api/cluster", "\"healthy\":false,\"error\":\"")
                .body.find("\"database\":{\"healthy\":false"),
            std::string::npos);

  pg->Restart();
  health = FetchUntil(host.port(), "/health", "\"status\":\"healthy\"");
  EXPECT_NE(health.body.find("\"status\":\"healthy\""), std::string::npos) << health.body;
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(PostgresStoreHost, AnEmptyConninfoIsAPluginsYamlError) {
  RunResult result = RunHost(Yaml("      conninfo: ${DATABASE_URL}\n"), Env(""));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("plugins.yaml:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("conninfo"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("is required"), std::string::npos) << result.output;
}

TEST(PostgresStoreHost, AMissingConninfoIsAPluginsYamlError) {
  RunResult result = RunHost(Yaml("      readers: 2\n"), Env(""));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("plugins.yaml"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("conninfo"), std::string::npos) << result.output;
}

TEST(PostgresStoreHost, BadValuesAreRefusedWithTheirLine) {
  RunResult result =
      RunHost(Yaml("      conninfo: postgresql://127.0.0.1:1/x\n      readers: 0\n"), Env(""));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("plugins.yaml:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("readers"), std::string::npos) << result.output;
}

TEST(PostgresStoreHost, AnUnreachableDatabaseStopsStartUpNamingIt) {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  RunResult result = RunHost(Yaml("      conninfo: postgresql://127.0.0.1:1/x\n"), Env(""));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("postgres-store"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("cannot open the database"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace sr::test
