// A plugin's configuration beyond the typed getters: listing a mapping's keys, refusing a
// value for the plugin's own reason with plugins.yaml's file and line, and the exit codes the
// README states. Fixtures: quota (plain C), init-fails, late-calls.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

std::string Yaml(const std::string& plugins, const std::string& server_extra = "") {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{FIXTURE_DIR}}\n" + server_extra +
         "plugins:\n" + plugins;
}

RunResult RunHost(const std::string& yaml, const std::vector<std::string>& extra = {}) {
  TempDir dir;
  dir.Write("plugins.yaml", Expand(yaml, dir.path().string()));
  std::vector<std::string> args = {"--config", "plugins.yaml"};
  args.insert(args.end(), extra.begin(), extra.end());
  return TestHost::Run(args, dir, {}, std::chrono::seconds(20));
}

// Exactly one line, "error: " + `line`.
void ExpectOnlyErrorLine(const RunResult& result, const std::string& line) {
  std::string::size_type at = result.output.find("error: ");
  ASSERT_NE(at, std::string::npos) << result.output;
  std::string::size_type end = result.output.find('\n', at);
  EXPECT_EQ(result.output.substr(at, end - at), "error: " + line) << result.output;
  EXPECT_EQ(result.output.find("error: ", at + 1), std::string::npos) << result.output;
}

TEST(PluginConfig, MapKeysAreListedInFileOrder) {
  TestHost host(Yaml("  - id: quota\n    config:\n      quotas: {us: 3, eu: 2}\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/quotas");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"us\":3,\"eu\":2}");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(PluginConfig, AnAbsentMapHasNoKeys) {
  TestHost host(Yaml("  - id: quota\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/fixtures/quotas").body, "{}");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(PluginConfig, PluginsOwnRefusalNamesFileLineAndKeyAndExits2) {
  std::string yaml = Yaml(
      "  - id: quota\n"
      "    config:\n"
      "      max_per_region: 10\n"
      "      quotas:\n"
      "        eu: 2\n"
      "        us: 30\n");
  std::string expected =
      "plugins.yaml:11:13: plugin 'quota': key 'quotas.us': quota 30 is above max_per_region (10)";
  RunResult check = RunHost(yaml, {"--check"});
  EXPECT_EQ(check.exit_code, 2) << check.output;
  ExpectOnlyErrorLine(check, expected);
  RunResult run = RunHost(yaml);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  ExpectOnlyErrorLine(run, expected);
}

TEST(PluginConfig, MapKeysOfANonMappingNamesKeyAndLine) {
  RunResult result =
      RunHost(Yaml("  - id: quota\n    config:\n      quotas: [eu, us]\n"), {"--check"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  ExpectOnlyErrorLine(result,
                      "plugins.yaml:8:15: plugin 'quota': key 'quotas' must be a mapping, "
                      "not a list");
}

TEST(PluginConfig, AValueOfAListedKeyIsCheckedByItsGetter) {
  RunResult result =
      RunHost(Yaml("  - id: quota\n    config:\n      quotas: {eu: lots}\n"), {"--check"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  ExpectOnlyErrorLine(result,
                      "plugins.yaml:8:20: plugin 'quota': key 'quotas.eu' must be an "
                      "integer, got \"lots\"");
}

// README "Running it": a configuration error or a plugin that refuses to initialize exits 2,
// a failure after every plugin initialized (a port in use) exits 1.
TEST(ExitCodes, InitRefusalExits2) {
  RunResult result = RunHost(Yaml("  - id: init-fails\n"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("database is on fire"), std::string::npos) << result.output;
}

TEST(ExitCodes, PortInUseExits1) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string port = std::to_string(ntohs(address.sin_port));
  RunResult result = RunHost("server:\n  bind: 127.0.0.1\n  port: " + port +
                             "\n  plugin_dir: {{FIXTURE_DIR}}\nplugins:\n  - id: simple\n");
  ::close(listener);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("error: "), std::string::npos) << result.output;
}

TEST(InitOnlyCalls, RefusedFromAnotherThreadAndAfterInitAndLogged) {
  TestHost host(Yaml("  - id: late-calls\n    config:\n      n: 3\n", "  missing_guards: deny\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  std::string body;
  for (int attempt = 0; attempt < 100; ++attempt) {
    body = Fetch(host.port(), "GET", "/fixtures/late-calls").body;
    if (body.find("\"ready\":true") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(body,
            "{\"ready\":true,\"other_thread\":{\"guard_register\":4},\"task\":{"
            "\"guard_register\":4,\"response_filter_add\":4,\"stream_group_create\":4,"
            "\"service_provide\":4,\"config_get_int\":4,\"config_get_string\":4,"
            "\"config_map_keys\":4,\"config_error\":4,\"config_finish\":4,\"config_has\":0,"
            "\"config_json_size\":0}}");
  std::string output = host.Output();
  for (const char* call : {"guard_register", "response_filter_add", "stream_group_create",
                           "service_provide", "config_get_int", "config_json"}) {
    EXPECT_NE(output.find(std::string("[late-calls] ") + call +
                          " refused: it may only be called from on_plugin_init"),
              std::string::npos)
        << call << "\n"
        << output;
  }
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::test
