// Loader fixtures: one tiny plugin per failure the host must report in one clear line.
#include <gtest/gtest.h>
#include <sr/abi.h>

#include "http_client.h"
#include "sse_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

std::string Yaml(const std::string& plugins, const std::string& server_extra = "") {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{FIXTURE_DIR}}\n" + server_extra +
         "plugins:\n" + plugins;
}

// Starting with `yaml` must fail cleanly: a non-zero exit (not a signal), one "error:" line
// that contains every expected fragment, and nothing that looks like a crash.
void ExpectRefused(const std::string& yaml, const std::vector<std::string>& fragments) {
  TestHost host(yaml);
  ASSERT_FALSE(host.Start()) << "the host started but should have refused:\n" << host.Output();
  EXPECT_GT(host.exit_code(), 0) << host.Output();
  std::string output = host.Output();
  size_t error_lines = 0;
  std::string error_line;
  size_t at = 0;
  while ((at = output.find("error: ", at)) != std::string::npos) {
    size_t end = output.find('\n', at);
    error_line = output.substr(at, end - at);
    ++error_lines;
    at = end;
  }
  EXPECT_EQ(error_lines, 1u) << output;
  for (const auto& fragment : fragments) {
    EXPECT_NE(error_line.find(fragment), std::string::npos)
        << "missing '" << fragment << "' in: " << error_line;
  }
  for (const char* crash :
       {"terminate called", "Segmentation", "Aborted", "AddressSanitizer", "runtime error"}) {
    EXPECT_EQ(output.find(crash), std::string::npos) << output;
  }
}

TEST(Loader, MissingFile) {
  ExpectRefused(Yaml("  - id: ghost\n"), {"plugin 'ghost'", "file not found", "ghost.so"});
}

TEST(Loader, NotASharedLibrary) {
  ExpectRefused(Yaml("  - id: not-a-library\n"),
                {"plugin 'not-a-library'", "not-a-library.so", "cannot load"});
}

TEST(Loader, MissingEntrySymbol) {
  ExpectRefused(Yaml("  - id: no-entry\n"), {"plugin 'no-entry'", "sr_plugin_entry_v1"});
}

TEST(Loader, AbiMajorMismatchNamesBothVersions) {
  ExpectRefused(Yaml("  - id: abi-major\n"),
                {"plugin 'abi-major'", "plugin ABI 2.", "this host speaks ABI 1."});
}

TEST(Loader, NewerMinorIsRefused) {
  ExpectRefused(Yaml("  - id: newer-minor\n"),
                {"plugin 'newer-minor'", "needs a host with plugin ABI 1.", "upgrade the host"});
}

TEST(Loader, OlderMinorWithASmallerDescriptorLoads) {
  TestHost host(Yaml("  - id: older-minor\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/older-minor");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"fixture\":\"older-minor\"}");
  // Its descriptor predates the stop and destroy hooks: they read as absent, not garbage.
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(Loader, PluginBuiltAgainstAbi11LoadsAndWorks) {
  // abi-1-1 is compiled against a frozen copy of the 1.1 header: its view of sr_host_api
  // ends at data_dir, before 1.2's stream_close.
  TestHost host(Yaml("  - id: abi-1-1\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/abi-1-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"declared_minor\":1,\"host_minor\":" +
                               std::to_string(SR_ABI_MINOR) + ",\"data_dir\":true}");
  SseClient stream(host.port());
  EXPECT_EQ(stream.Open("/fixtures/abi-1-1/stream").status, 200);
  auto events = stream.Read(std::chrono::seconds(5), 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "hello");
  EXPECT_EQ(events[0].data, "{\"abi\":\"1.1\"}");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(Loader, InitFailureShowsThePluginsMessage) {
  ExpectRefused(Yaml("  - id: simple\n  - id: init-fails\n"),
                {"plugin 'init-fails'", "database is on fire"});
}

TEST(Loader, OptionalPluginThatFailsIsSkipped) {
  TestHost host(Yaml("  - id: init-fails\n    optional: true\n  - id: simple\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/fixtures/simple").status, 200);
  EXPECT_NE(host.Output().find("database is on fire"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Loader, OptionalMissingPluginIsSkipped) {
  TestHost host(Yaml("  - id: ghost\n    optional: true\n  - id: simple\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Loader, InitThatThrowsIsRefusedNotACrash) {
  ExpectRefused(Yaml("  - id: init-throws\n"), {"plugin 'init-throws'", "init exploded"});
}

TEST(Loader, DescriptorIdMustMatchTheConfiguredId) {
  ExpectRefused(Yaml("  - id: wrong-id\n"), {"plugin 'wrong-id'", "not-the-same"});
}

TEST(Loader, DuplicatePluginId) {
  ExpectRefused(Yaml("  - id: simple\n  - id: simple\n"), {"plugin 'simple'", "listed twice"});
}

TEST(Loader, TwoPluginsClaimingOneRouteAreNamed) {
  ExpectRefused(Yaml("  - id: route-a\n  - id: route-b\n"),
                {"GET /fixtures/conflict", "plugin 'route-a'", "plugin 'route-b'"});
}

TEST(Loader, MissingHardDependency) {
  ExpectRefused(Yaml("  - id: needs-service\n"),
                {"plugin 'needs-service'", "requires service 'imaginary-service'",
                 "no enabled plugin provides"});
}

TEST(Loader, MissingDependencySuggestsADisabledProvider) {
  ExpectRefused(Yaml("  - id: provider\n    enabled: false\n  - id: consumer\n"),
                {"plugin 'consumer'", "service 'fixture-counter'", "enable plugin 'provider'"});
}

TEST(Loader, TooOldDependencyVersion) {
  ExpectRefused(Yaml("  - id: provider\n  - id: consumer-v2\n"),
                {"plugin 'consumer-v2'", "version >= 2", "provides version 1"});
}

TEST(Loader, DependencyCycle) {
  ExpectRefused(Yaml("  - id: cycle-a\n  - id: cycle-b\n"),
                {"dependency cycle", "'cycle-a'", "'cycle-b'"});
}

TEST(Loader, ProvidersInitializeBeforeTheirUsers) {
  // Listed in the wrong order on purpose: the host reorders them.
  TestHost host(Yaml("  - id: consumer\n  - id: provider\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/consumer");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"value\":1"), std::string::npos) << response.body;
  EXPECT_LT(host.Output().find("plugin 'provider'"), host.Output().find("plugin 'consumer'"));
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Loader, RouteNeedingAnAbsentGuardRefusesToStart) {
  ExpectRefused(Yaml("  - id: guarded-route\n"), {"GET /fixtures/guarded-route", "guard 'api-key'",
                                                  "no enabled plugin provides", "missing_guards"});
}

TEST(Loader, MissingGuardOptOutDenyFailsClosed) {
  TestHost host(Yaml("  - id: guarded-route\n", "  missing_guards: deny\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/guarded-route");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("api-key"), std::string::npos) << response.body;
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Loader, MissingGuardOptOutAllowIsExplicitAndLogged) {
  TestHost host(Yaml("  - id: guarded-route\n", "  missing_guards: allow\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/fixtures/guarded-route").status, 200);
  EXPECT_NE(host.Output().find("PUBLIC"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(Loader, HandlerThatThrowsBecomesA500AndTheHostKeepsServing) {
  TestHost host(Yaml("  - id: throw-raw\n  - id: test-kit\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  for (const char* path : {"/fixtures/throw-raw", "/kit/throw"}) {
    auto response = client.Get(path);
    EXPECT_EQ(response.status, 500) << path;
    EXPECT_EQ(response.Header("Content-Type"), "application/json");
    EXPECT_NE(response.body.find("\"error\""), std::string::npos);
  }
  EXPECT_EQ(client.Get("/health").status, 200);
  // Both failures are in the host's error log, with path and status.
  auto stats = client.Get("/kit/stats");
  EXPECT_NE(stats.body.find("\"errors\":2"), std::string::npos) << stats.body;
  EXPECT_NE(host.Output().find("handler exploded"), std::string::npos);
  EXPECT_NE(host.Output().find("kit exploded"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::test
