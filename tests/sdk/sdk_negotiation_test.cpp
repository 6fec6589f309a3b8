// The C++ SDK and minor negotiation: SR_DECLARE_PLUGIN stamps SR_ABI_TARGET_MINOR, the SDK
// never calls an entry the host's table lacks, and the 1.2 config calls (MapKeys, Reject)
// work in the fake host. Compiled as C++17, the SDK's own standard.
#define SR_ABI_TARGET_MINOR 0  // this file's plugin runs on any 1.x host
#include <sr/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include "temp_dir.h"

#include <string>
#include <vector>

namespace {

using sr::testing::FakeHost;

// Needs only 1.0; uses the newer SDK calls and reports what it got on GET /what.
class OldTarget final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"old-target", "1.0.0", "targets ABI 1.0"}; }
  void Init(sr::Host& host) override {
    std::string data_dir = host.DataDir();  // 1.1
    std::string keys = "none";
    try {
      keys.clear();
      for (const std::string& key : host.config().MapKeys("quotas")) keys += key + ";";  // 1.2
    } catch (const sr::Error& e) {
      keys = e.status() == SR_ERR_UNSUPPORTED ? "unsupported" : "error";
    }
    for (const std::string& key : {std::string("quotas.eu"), std::string("quotas.us")}) {
      host.config().Int(key, 0);
    }
    host.config().Finish();
    std::string body = "data_dir=" + data_dir + " keys=" + keys;
    host.Route("GET", "/what", "public",
               [body](sr::Request&, sr::Response& response) { response.Text(200, body); });
  }
};

}  // namespace

SR_DECLARE_PLUGIN(OldTarget)

namespace {

// Reads a mapping of quotas and refuses one above `max` with its own reason.
class Quotas final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"sdk-quota", "1.0.0", "quotas from a mapping"}; }
  void Init(sr::Host& host) override {
    sr::Config& config = host.config();
    int64_t max = config.Int("max", 100, 1, 1000);
    std::string listed;
    for (const std::string& region : config.MapKeys("quotas")) {
      int64_t quota = config.Int("quotas." + region, 0, 0, 1000);
      if (quota > max) {
        config.Reject("quotas." + region,
                      "quota " + std::to_string(quota) + " is above " + std::to_string(max));
      }
      listed += region + "=" + std::to_string(quota) + ";";
    }
    config.Finish();
    host.Route("GET", "/quotas", "public",
               [listed](sr::Request&, sr::Response& response) { response.Text(200, listed); });
  }
};

TEST(SdkTarget, DeclarePluginStampsTheTargetMinor) {
  const sr_plugin_descriptor* declared = sr_plugin_entry_v1();
  ASSERT_NE(declared, nullptr);
  EXPECT_EQ(declared->abi_minor, 0);
  // Without a target of its own, a plugin needs the minor of its headers.
  EXPECT_EQ((sr::detail::DescriptorFor<Quotas, SR_ABI_MINOR>()->abi_minor), SR_ABI_MINOR);
}

TEST(SdkTarget, OnAMinor0HostTheSdkCallsNoNewerEntry) {
  FakeHost host(R"({"quotas": {"eu": 1, "us": 2}})");
  host.SetHostAbiMinor(0);
  auto loaded = host.Load(sr_plugin_entry_v1());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/what").body, "data_dir=data keys=unsupported");
}

TEST(SdkTarget, OnThisHostTheSamePluginUsesTheNewerEntries) {
  sr::test::TempDir dir;
  FakeHost host(R"({"quotas": {"eu": 1, "us": 2}})");
  host.SetDataDir(dir.path() / "data");
  auto loaded = host.Load(sr_plugin_entry_v1());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/what").body,
            "data_dir=" + (dir.path() / "data").string() + " keys=eu;us;");
}

TEST(SdkConfig, MapKeysListAMappingInOrder) {
  FakeHost host(R"({"quotas": {"us": 3, "eu": 2}})");
  auto loaded = host.Load(sr::detail::DescriptorFor<Quotas, SR_ABI_MINOR>());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/quotas").body, "us=3;eu=2;");
}

TEST(SdkConfig, MapKeysOfANonMappingFailInitNamingTheKey) {
  FakeHost host(R"({"quotas": [1, 2]})");
  auto loaded = host.Load(sr::detail::DescriptorFor<Quotas, SR_ABI_MINOR>());
  EXPECT_EQ(loaded.status, SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(loaded.error, "plugin 'sdk-quota': key 'quotas' must be a mapping, not a list");
}

TEST(SdkConfig, RejectNamesThePluginAndKey) {
  FakeHost host(R"({"max": 10, "quotas": {"eu": 2, "us": 30}})");
  auto loaded = host.Load(sr::detail::DescriptorFor<Quotas, SR_ABI_MINOR>());
  EXPECT_EQ(loaded.status, SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(loaded.error, "plugin 'sdk-quota': key 'quotas.us': quota 30 is above 10");
}

TEST(SdkConfig, RejectOnA11HostFallsBackToSetError) {
  // A 1.1 host has neither config_map_keys nor config_error: MapKeys is refused by the SDK
  // itself, and Reject still names the key through set_error.
  FakeHost host(R"({"max": 10})");
  host.SetHostAbiMinor(1);
  class Rejecting final : public sr::Plugin {
   public:
    static sr::PluginInfo Info() { return {"rejecting", "1.0.0", ""}; }
    void Init(sr::Host& host) override { host.config().Reject("max", "too small"); }
  };
  auto loaded = host.Load(sr::detail::DescriptorFor<Rejecting, 1>());
  EXPECT_EQ(loaded.status, SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(loaded.error, "key 'max': too small");
}

// The fake host refuses the init-only calls after init, as the host does (InitOnlyCalls.* in
// tests/e2e/plugin_config_test.cpp).
class LateCaller final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"late-caller", "1.0.0", "calls init-only entries from a handler"};
    info.provides = {sr::GuardCapability("late-guard")};
    return info;
  }
  void Init(sr::Host& host) override {
    host.config().Finish();
    sr::Host* self = &host;
    host.Route("GET", "/late", "public", [self](sr::Request&, sr::Response& response) {
      std::string body;
      try {
        self->config().Int("n", 0);
        body += "config read;";
      } catch (const sr::Error& e) {
        body += "config " + std::to_string(e.status()) + ";";
      }
      sr_status status = self->api()->guard_register(
          self->raw(), SR_LIT("late-guard"),
          [](void*, sr_request*, sr_response*, sr_str) -> int32_t { return SR_GUARD_ALLOW; },
          nullptr);
      body += "guard " + std::to_string(status);
      response.Text(200, body);
    });
  }
};

TEST(FakeHostInitOnly, CallsAfterInitAreRefusedAndLogged) {
  FakeHost host;
  auto loaded = host.Load(sr::detail::DescriptorFor<LateCaller, SR_ABI_MINOR>());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/late").body, "config 4;guard 4");
  std::string logs;
  for (const auto& line : host.Logs()) logs += line.plugin_id + ": " + line.message + "\n";
  EXPECT_NE(logs.find("late-caller: config_get_int refused: it may only be called from "
                      "on_plugin_init"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("late-caller: guard_register refused"), std::string::npos) << logs;
}

}  // namespace
