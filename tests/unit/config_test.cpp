#include <gtest/gtest.h>

#include <map>

#include "config/config_error.h"
#include "config/config_section.h"
#include "config/env.h"
#include "config/host_config.h"
#include "config/yaml_reader.h"

namespace sr::host {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string ErrorOf(std::string_view yaml, std::map<std::string, std::string> env = {}) {
  try {
    ParseHostConfig(yaml, "/etc/sr/plugins.yaml", FakeEnv(std::move(env)));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(HostConfig, DefaultsAndPlugins) {
  auto config = ParseHostConfig(
      "plugins:\n  - id: auth\n  - id: sqlite-store\n    enabled: false\n    path: x.so\n",
      "/etc/sr/plugins.yaml", FakeEnv({}));
  EXPECT_EQ(config.server.port, 8081);
  EXPECT_EQ(config.server.bind, "0.0.0.0");
  ASSERT_EQ(config.plugins.size(), 2u);
  EXPECT_EQ(config.plugins[0].id, "auth");
  EXPECT_TRUE(config.plugins[0].enabled);
  EXPECT_FALSE(config.plugins[1].enabled);
  EXPECT_EQ(config.plugins[1].path, "/etc/sr/x.so");  // relative to the file's folder
  EXPECT_EQ(config.server.data_dir, "/etc/sr/data");
}

TEST(HostConfig, SyntaxErrorsNameLineAndColumn) {
  std::string error = ErrorOf("server:\n  port: [8081\nplugins: []\n");
  EXPECT_NE(error.find("plugins.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("syntax error"), std::string::npos) << error;
}

TEST(HostConfig, UnknownKeysAndWrongTypesNameTheKeyAndLine) {
  std::string unknown = ErrorOf("server:\n  prot: 1\nplugins: []\n");
  EXPECT_NE(unknown.find("plugins.yaml:2:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("'prot'"), std::string::npos) << unknown;

  std::string wrong_type = ErrorOf("server:\n  port: eighty\nplugins: []\n");
  EXPECT_NE(wrong_type.find("'port'"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("integer"), std::string::npos) << wrong_type;

  std::string range = ErrorOf("server:\n  port: 70000\nplugins: []\n");
  EXPECT_NE(range.find("between 0 and 65535"), std::string::npos) << range;

  std::string top = ErrorOf("plugins: []\nextra: 1\n");
  EXPECT_NE(top.find("'extra'"), std::string::npos) << top;

  std::string entry = ErrorOf("plugins:\n  - id: auth\n    enabeld: true\n");
  EXPECT_NE(entry.find("plugin 'auth'"), std::string::npos) << entry;
  EXPECT_NE(entry.find("'enabeld'"), std::string::npos) << entry;
}

TEST(HostConfig, RejectsBadPluginLists) {
  EXPECT_NE(ErrorOf("server: {}\n").find("plugins"), std::string::npos);
  EXPECT_NE(ErrorOf("plugins: 3\n").find("must be a list"), std::string::npos);
  EXPECT_NE(ErrorOf("plugins:\n  - path: x.so\n").find("without an id"), std::string::npos);
  EXPECT_NE(ErrorOf("plugins:\n  - id: Bad_Id\n").find("kebab-case"), std::string::npos);
  EXPECT_NE(ErrorOf("plugins:\n  - id: a\n  - id: a\n").find("listed twice"), std::string::npos);
  EXPECT_NE(ErrorOf("plugins:\n  - id: a\n    config: 5\n").find("must be a mapping"),
            std::string::npos);
  EXPECT_NE(ErrorOf("").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf("a: 1\na: 2\n").find("duplicate key"), std::string::npos);
}

TEST(HostConfig, ExpandsEnvironmentVariables) {
  auto config =
      ParseHostConfig("server:\n  port: ${PORT}\n  bind: ${BIND:-127.0.0.1}\nplugins: []\n",
                      "p.yaml", FakeEnv({{"PORT", "9000"}}));
  EXPECT_EQ(config.server.port, 9000);
  EXPECT_EQ(config.server.bind, "127.0.0.1");
  std::string error = ErrorOf("server:\n  port: ${NOPE}\nplugins: []\n");
  EXPECT_NE(error.find("NOPE is not set"), std::string::npos) << error;
}

TEST(Env, ExpandVariables) {
  auto env = FakeEnv({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(ExpandVariables("x${A}y", env, "w"), "x1y");
  EXPECT_EQ(ExpandVariables("$${A}", env, "w"), "${A}");
  EXPECT_EQ(ExpandVariables("${EMPTY:-d}", env, "w"), "d");
  EXPECT_EQ(ExpandVariables("${EMPTY}", env, "w"), "");
  EXPECT_EQ(ExpandVariables("cost $5", env, "w"), "cost $5");
  EXPECT_THROW(ExpandVariables("${A", env, "w"), ConfigError);
  EXPECT_THROW(ExpandVariables("${1BAD}", env, "w"), ConfigError);
}

TEST(ConfigSection, TypedGettersTrackKnownKeys) {
  ConfigValue root = ReadYaml(
      "ttl: 90\nsweep: 250ms\nsize: 8MiB\nname: abc\nflag: true\nkeys:\n  - name: a\n    key: "
      "k1\nnested:\n  inner: 3\n",
      "p.yaml", FakeEnv({}));
  ConfigSection section(&root, "plugin 'x'", "p.yaml", "/base");
  EXPECT_EQ(section.GetDurationMs("ttl", 0, 0, 1000000), 90000);
  EXPECT_EQ(section.GetDurationMs("sweep", 0, 0, 1000000), 250);
  EXPECT_EQ(section.GetBytes("size", 0, 0, 1ull << 40), 8u << 20);
  EXPECT_EQ(section.GetString("name", ""), "abc");
  EXPECT_TRUE(section.GetBool("flag", false));
  EXPECT_EQ(section.ArrayLength("keys"), 1u);
  EXPECT_EQ(section.GetString("keys.0.name", ""), "a");
  EXPECT_EQ(section.GetInt("missing", 7, 0, 10), 7);
  EXPECT_EQ(section.GetPath("rel", "data/x.db"), "/base/data/x.db");
  // keys.0.key and nested.inner were never read.
  try {
    section.Finish();
    FAIL() << "unknown keys were accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("keys.0.key"), std::string::npos) << e.what();
  }
  section.GetString("keys.0.key", "");
  section.GetInt("nested.inner", 0, 0, 10);
  EXPECT_NO_THROW(section.Finish());
}

TEST(ConfigSection, ErrorsNamePluginKeyAndLine) {
  ConfigValue root = ReadYaml("a: 1\nttl: soon\n", "plugins.yaml", FakeEnv({}));
  ConfigSection section(&root, "plugin 'spawner-registry'", "plugins.yaml", "/");
  try {
    section.GetDurationMs("ttl", 0, 0, 100000);
    FAIL();
  } catch (const ConfigError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("plugins.yaml:2:"), std::string::npos) << message;
    EXPECT_NE(message.find("plugin 'spawner-registry'"), std::string::npos) << message;
    EXPECT_NE(message.find("'ttl'"), std::string::npos) << message;
  }
}

TEST(ConfigSection, UnitParsers) {
  EXPECT_EQ(ParseDurationMs("1h"), 3600000);
  EXPECT_EQ(ParseDurationMs("2m"), 120000);
  EXPECT_EQ(ParseDurationMs("0.5"), 500);
  EXPECT_FALSE(ParseDurationMs("-1s"));
  EXPECT_FALSE(ParseDurationMs("5 parsecs"));
  EXPECT_EQ(ParseBytes("64KiB"), 65536u);
  EXPECT_EQ(ParseBytes("10MB"), 10000000u);
  EXPECT_EQ(ParseBytes("512"), 512u);
  EXPECT_FALSE(ParseBytes("lots"));
}

TEST(ConfigValue, JsonRendering) {
  ConfigValue root =
      ReadYaml("a: [1, \"x\", true, null, 1.5]\nb: {c: \"q\\\"\"}\n", "p", FakeEnv({}));
  std::string json;
  root.AppendJson(json);
  EXPECT_EQ(json, "{\"a\":[1,\"x\",true,null,1.5],\"b\":{\"c\":\"q\\\"\"}}");
}

}  // namespace
}  // namespace sr::host
