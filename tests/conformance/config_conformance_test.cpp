// The config conformance suite: one table of configuration values, each read by the
// config-echo fixture plugin (tests/fixtures/config_echo.c) on the real spawner-master (from a
// temporary plugins.yaml, with --check) and on sr::testing::FakeHost (the same plugin linked
// in, its config given as JSON). Both must read the same value or refuse it with the same
// message; the real host also names the file and line.
#include <gtest/gtest.h>
#include <sr/testing/fake_host.hpp>

#include <memory>
#include <string>
#include <vector>

#include "test_host.h"

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);

namespace sr::test {
namespace {

struct ConfigCase {
  std::string kind;  // the getter config-echo uses: int, bool, duration, bytes, string
  std::string yaml;  // the value as plugins.yaml writes it
  std::string json;  // the same value as JSON
  // "value=..." as config-echo logs it, or the refusal after "file:line:col: ".
  std::string expected;
  std::string extra_key;  // written as "<extra_key>: 1" when not empty
};

const std::string kOwner = "plugin 'config-echo': ";

std::string Refused(const std::string& key, const std::string& problem) {
  return kOwner + "key '" + key + "' " + problem;
}

std::string Bad(const std::string& problem) { return Refused("value", problem); }

const std::string kDurationShape =
    "must be a duration such as \"250ms\", \"30s\", \"5m\" or a number of seconds, got ";
const std::string kSizeShape =
    "must be a size such as \"64KiB\", \"8MiB\" or a number of bytes, got ";

const std::vector<ConfigCase>& Cases() {
  static const std::vector<ConfigCase> cases = {
      // ---- integers (1..100) ----
      {"int", "42", "42", "value=42", ""},
      {"int", "\"+7\"", "\"+7\"", "value=7", ""},
      {"int", "0", "0", Bad("must be between 1 and 100, got 0"), ""},
      {"int", "101", "101", Bad("must be between 1 and 100, got 101"), ""},
      {"int", "ten", "\"ten\"", Bad("must be an integer, got \"ten\""), ""},
      {"int", "2.5", "2.5", Bad("must be an integer, got 2.5"), ""},
      {"int", "[1]", "[1]", Bad("must be an integer, got a list"), ""},
      // ---- booleans ----
      {"bool", "true", "true", "value=true", ""},
      {"bool", "false", "false", "value=false", ""},
      {"bool", "\"yes\"", "\"yes\"", Bad("must be true or false, got \"yes\""), ""},
      {"bool", "1", "1", Bad("must be true or false, got 1"), ""},
      // ---- durations (100ms..1h) ----
      {"duration", "250ms", "\"250ms\"", "value=250ms", ""},
      {"duration", "5s", "\"5s\"", "value=5000ms", ""},
      {"duration", "2m", "\"2m\"", "value=120000ms", ""},
      {"duration", "1h", "\"1h\"", "value=3600000ms", ""},
      {"duration", "5", "5", "value=5000ms", ""},
      {"duration", "0.5", "0.5", "value=500ms", ""},
      {"duration", "50ms", "\"50ms\"", Bad("must be between 100ms and 3600000ms, got 50ms"), ""},
      {"duration", "2h", "\"2h\"", Bad("must be between 100ms and 3600000ms, got 7200000ms"), ""},
      {"duration", "-1s", "\"-1s\"", Bad(kDurationShape + "\"-1s\""), ""},
      {"duration", "5 parsecs", "\"5 parsecs\"", Bad(kDurationShape + "\"5 parsecs\""), ""},
      {"duration", "true", "true", Bad(kDurationShape + "true"), ""},
      // ---- sizes (1KiB..16MiB) ----
      {"bytes", "64KiB", "\"64KiB\"", "value=65536 bytes", ""},
      {"bytes", "8MiB", "\"8MiB\"", "value=8388608 bytes", ""},
      {"bytes", "10MB", "\"10MB\"", "value=10000000 bytes", ""},
      {"bytes", "2048", "2048", "value=2048 bytes", ""},
      {"bytes", "512", "512", Bad("must be between 1024 and 16777216 bytes, got 512"), ""},
      {"bytes", "1GiB", "\"1GiB\"", Bad("must be between 1024 and 16777216 bytes, got 1073741824"),
       ""},
      {"bytes", "lots", "\"lots\"", Bad(kSizeShape + "\"lots\""), ""},
      // ---- text ----
      {"string", "hello", "\"hello\"", "value=\"hello\"", ""},
      {"string", "[1, 2]", "[1,2]", Bad("must be text, not a list"), ""},
      // ---- unknown keys ----
      {"int", "5", "5", Refused("valeu", "is not a known setting (check its spelling)"), "valeu"},
  };
  return cases;
}

std::string Name(const ConfigCase& c) {
  return c.kind + " " + c.yaml + (c.extra_key.empty() ? "" : " + " + c.extra_key);
}

// The line from `marker` to the end of its line; empty when absent.
std::string LineFrom(const std::string& output, const std::string& marker) {
  auto start = output.find(marker);
  if (start == std::string::npos) return {};
  auto end = output.find('\n', start);
  return output.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string RunOnRealHost(const ConfigCase& c) {
  TempDir dir;
  std::string yaml =
      "server:\n  plugin_dir: {{FIXTURE_DIR}}\nplugins:\n  - id: config-echo\n    config:\n"
      "      kind: " +
      c.kind + "\n      value: " + c.yaml + "\n";
  if (!c.extra_key.empty()) yaml += "      " + c.extra_key + ": 1\n";
  dir.Write("plugins.yaml", Expand(yaml, dir.path().string()));
  RunResult result = TestHost::Run({"--config", "plugins.yaml", "--check"}, dir);
  if (result.exit_code == 0) {
    std::string line = LineFrom(result.output, "echo value=");
    return line.empty() ? "no value logged: " + result.output : line.substr(5);
  }
  // "error: plugins.yaml:LINE:COL: plugin 'config-echo': ..."
  std::string line = LineFrom(result.output, "error: ");
  std::string file = "error: plugins.yaml:";
  auto owner = line.find(kOwner);
  if (line.rfind(file, 0) != 0 || owner == std::string::npos) {
    return "exit " + std::to_string(result.exit_code) + ": " + result.output;
  }
  return line.substr(owner);
}

std::string RunOnFakeHost(const ConfigCase& c) {
  sr::testing::FakeHost host;
  std::string json = "{\"kind\":\"" + c.kind + "\",\"value\":" + c.json;
  if (!c.extra_key.empty()) json += ",\"" + c.extra_key + "\":1";
  json += "}";
  sr::testing::LifecycleResult loaded = host.Load(sr_plugin_entry_v1(), json);
  if (loaded.ok()) {
    for (const auto& line : host.Logs()) {
      if (line.message.rfind("echo value=", 0) == 0) return line.message.substr(5);
    }
    return "no value logged";
  }
  // The refusal, as the plugin's recorded error.
  auto owner = loaded.error.find(kOwner);
  if (owner != std::string::npos) return loaded.error.substr(owner);
  return "refused without a config message: " + loaded.error;
}

class ConfigConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    real_ = std::make_unique<std::vector<std::string>>();
    fake_ = std::make_unique<std::vector<std::string>>();
    for (const ConfigCase& c : Cases()) {
      real_->push_back(RunOnRealHost(c));
      fake_->push_back(RunOnFakeHost(c));
    }
  }
  static void TearDownTestSuite() {
    real_.reset();
    fake_.reset();
  }
  static std::unique_ptr<std::vector<std::string>> real_;
  static std::unique_ptr<std::vector<std::string>> fake_;
};
std::unique_ptr<std::vector<std::string>> ConfigConformance::real_;
std::unique_ptr<std::vector<std::string>> ConfigConformance::fake_;

TEST_F(ConfigConformance, RealHostReadsAsTheTableSays) {
  for (size_t i = 0; i < Cases().size(); ++i) {
    EXPECT_EQ((*real_)[i], Cases()[i].expected) << Name(Cases()[i]);
  }
}

TEST_F(ConfigConformance, FakeHostReadsAsTheTableSays) {
  for (size_t i = 0; i < Cases().size(); ++i) {
    EXPECT_EQ((*fake_)[i], Cases()[i].expected) << Name(Cases()[i]);
  }
}

TEST_F(ConfigConformance, BothHostsReadAlike) {
  for (size_t i = 0; i < Cases().size(); ++i) {
    EXPECT_EQ((*real_)[i], (*fake_)[i]) << Name(Cases()[i]);
  }
}

}  // namespace
}  // namespace sr::test
