// A broken plugins.yaml gets one clear line and a non-zero exit, never a crash.
#include <gtest/gtest.h>

#include "test_host.h"

namespace sr::test {
namespace {

RunResult Check(const std::string& yaml, const std::map<std::string, std::string>& env = {}) {
  TempDir dir;
  dir.Write("plugins.yaml", Expand(yaml, dir.path().string()));
  return TestHost::Run({"--config", "plugins.yaml", "--check"}, dir, env);
}

void ExpectOneClearLine(const RunResult& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.exit_code, 2) << result.output;
  ASSERT_EQ(result.output.rfind("error: ", 0), 0u) << result.output;
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << "more than one line:\n"
                                                                << result.output;
  for (const auto& fragment : fragments) {
    EXPECT_NE(result.output.find(fragment), std::string::npos)
        << "missing '" << fragment << "' in: " << result.output;
  }
}

TEST(ConfigErrors, SyntaxErrorNamesLineAndColumn) {
  ExpectOneClearLine(Check("server:\n  port: 80\n   bind: x\nplugins: []\n"),
                     {"plugins.yaml:3:", "syntax error"});
}

TEST(ConfigErrors, UnknownKey) {
  ExpectOneClearLine(Check("server:\n  port: 0\n  threads: 4\nplugins: []\n"),
                     {"plugins.yaml:3:", "'threads'", "not a known setting"});
}

TEST(ConfigErrors, WrongType) {
  ExpectOneClearLine(Check("server:\n  port: [1]\nplugins: []\n"),
                     {"plugins.yaml:2:", "'port'", "integer"});
}

TEST(ConfigErrors, MissingPluginFile) {
  ExpectOneClearLine(Check("plugins:\n  - id: nowhere\n    path: lib/nowhere.so\n"),
                     {"plugin 'nowhere'", "file not found", "lib/nowhere.so"});
}

TEST(ConfigErrors, PluginConfigUnknownKeyNamesPluginKeyAndLine) {
  ExpectOneClearLine(
      Check("server:\n  plugin_dir: {{PLUGIN_DIR}}\nplugins:\n  - id: hello-c\n    config:\n"
            "      greeting: hi\n      colour: blue\n"),
      {"plugins.yaml:7:", "plugin 'hello-c'", "'colour'"});
}

TEST(ConfigErrors, PluginConfigWrongTypeNamesPluginKeyAndLine) {
  ExpectOneClearLine(
      Check("server:\n  plugin_dir: {{PLUGIN_DIR}}\nplugins:\n  - id: hello-c\n    config:\n"
            "      tick_interval: often\n"),
      {"plugins.yaml:6:", "plugin 'hello-c'", "'tick_interval'"});
}

TEST(ConfigErrors, UnsetEnvironmentVariable) {
  ExpectOneClearLine(Check("server:\n  port: ${SR_TEST_SURELY_UNSET}\nplugins: []\n"),
                     {"SR_TEST_SURELY_UNSET is not set"});
}

TEST(ConfigErrors, MissingFile) {
  TempDir dir;
  auto result = TestHost::Run({"--config", "absent.yaml"}, dir);
  ExpectOneClearLine(result, {"absent.yaml", "no such file"});
}

TEST(ConfigErrors, BinaryGarbage) {
  ExpectOneClearLine(Check(std::string("\x00\xff\xfe plugins: [", 14)), {"plugins.yaml"});
}

TEST(ConfigErrors, DotEnvDoesNotOverrideTheEnvironment) {
  TempDir dir;
  dir.Write(".env", "# comment\nSR_TEST_PORT_A=1234\nexport SR_TEST_PORT_B=\"99999\"\n");
  dir.Write("plugins.yaml", "server:\n  port: ${SR_TEST_PORT_B}\n  bind: 127.0.0.1\nplugins: []\n");
  // From the .env file alone, port 99999 is out of range...
  auto from_file = TestHost::Run({"--check"}, dir);
  EXPECT_EQ(from_file.exit_code, 2);
  EXPECT_NE(from_file.output.find("99999"), std::string::npos) << from_file.output;
  // ...but the real environment wins over the file.
  auto from_env = TestHost::Run({"--check"}, dir, {{"SR_TEST_PORT_B", "8090"}});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
}

TEST(ConfigErrors, MalformedDotEnvLine) {
  TempDir dir;
  dir.Write(".env", "GOOD=1\nthis line is wrong\n");
  dir.Write("plugins.yaml", "plugins: []\n");
  ExpectOneClearLine(TestHost::Run({"--check"}, dir), {".env:2", "KEY=VALUE"});
}

TEST(Cli, VersionHelpAndUsageErrors) {
  TempDir dir;
  auto version = TestHost::Run({"--version"}, dir);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("plugin ABI 1."), std::string::npos) << version.output;
  auto help = TestHost::Run({"--help"}, dir);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--check"), std::string::npos);
  auto bad = TestHost::Run({"--frobnicate"}, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("unknown argument '--frobnicate'"), std::string::npos);
}

TEST(Cli, CheckListsPluginsAndRoutesWithGuards) {
  auto result = Check(
      "server:\n  plugin_dir: {{PLUGIN_DIR}}\nplugins:\n  - id: hello-c\n  - id: hello-cpp\n");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* expected : {"hello-c 1.0.0", "hello-cpp 1.0.0", "/examples/hello-c",
                               "/examples/hello-cpp/{name}", "guard=public", "/health"}) {
    EXPECT_NE(result.output.find(expected), std::string::npos) << expected << "\n" << result.output;
  }
}

}  // namespace
}  // namespace sr::test
