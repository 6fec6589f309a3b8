// Minor-version negotiation: a plugin states the oldest host minor it needs
// (SR_ABI_TARGET_MINOR) and the host loads it when that is not newer than its own, whatever
// header the plugin was compiled against. Fixtures: target-minor-0 (current headers, target
// 0), abi-1-1 (the frozen 1.1 header), newer-minor (a target this host does not reach).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <sr/testing/fake_host.hpp>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

std::string Yaml(const std::string& plugins) {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{FIXTURE_DIR}}\nplugins:\n" +
         plugins;
}

// The fixture's descriptor, loaded in this process as a host would (never unloaded).
const sr_plugin_descriptor* Descriptor(const std::string& id) {
  std::string path = FixtureDir() + "/" + id + ".so";
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (library == nullptr) return nullptr;
  auto entry = reinterpret_cast<sr_plugin_entry_fn>(::dlsym(library, SR_PLUGIN_ENTRY_SYMBOL));
  return entry != nullptr ? entry() : nullptr;
}

TEST(AbiNegotiation, DescriptorCarriesTheTargetNotTheHeaderMinor) {
  const sr_plugin_descriptor* target0 = Descriptor("target-minor-0");
  ASSERT_NE(target0, nullptr);
  EXPECT_EQ(target0->abi_major, SR_ABI_MAJOR);
  EXPECT_EQ(target0->abi_minor, 0);
  EXPECT_EQ(target0->struct_size, sizeof(sr_plugin_descriptor));
  // Without SR_ABI_TARGET_MINOR a plugin needs the minor of its header.
  const sr_plugin_descriptor* plain = Descriptor("simple");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->abi_minor, SR_ABI_MINOR);
}

TEST(AbiNegotiation, OlderTargetLoadsOnThisHostAndFindsTheNewerCalls) {
  TestHost host(Yaml("  - id: target-minor-0\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto response = Fetch(host.port(), "GET", "/fixtures/target-minor-0");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            "{\"target\":0,\"host_minor\":" + std::to_string(SR_ABI_MINOR) +
                ",\"data_dir\":true,\"stream_close\":true,\"config_map_keys\":true}");
  EXPECT_NE(host.Output().find("plugin 'target-minor-0' 1.0.0 initialized (needs plugin ABI 1.0)"),
            std::string::npos)
      << host.Output();
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(AbiNegotiation, OlderTargetRunsOnAMinor0HostWithoutTheNewerCalls) {
  // The fake host plays a 1.0 host: its table ends before data_dir.
  const sr_plugin_descriptor* descriptor = Descriptor("target-minor-0");
  ASSERT_NE(descriptor, nullptr);
  sr::testing::FakeHost host;
  host.SetHostAbiMinor(0);
  ASSERT_TRUE(host.Load(descriptor).ok());
  ASSERT_TRUE(host.Start().ok());
  auto response = host.Call("GET", "/fixtures/target-minor-0");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            "{\"target\":0,\"host_minor\":0,\"data_dir\":false,\"stream_close\":false,"
            "\"config_map_keys\":false}");
}

TEST(AbiNegotiation, AHostOlderThanTheTargetRefusesThePlugin) {
  // The same plugin with its default target (this header's minor) on a 1.1 host.
  const sr_plugin_descriptor* descriptor = Descriptor("simple");
  ASSERT_NE(descriptor, nullptr);
  sr::testing::FakeHost host;
  host.SetHostAbiMinor(1);
  auto result = host.Load(descriptor);
  EXPECT_EQ(result.status, SR_ERR_UNSUPPORTED);
  EXPECT_NE(result.error.find("needs ABI 1." + std::to_string(SR_ABI_MINOR)), std::string::npos)
      << result.error;
}

TEST(AbiNegotiation, NewerTargetIsRefusedWithAClearMessage) {
  TestHost host(Yaml("  - id: newer-minor\n"));
  ASSERT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 2) << host.Output();
  std::string expected = "plugin 'newer-minor' (" + FixtureDir() +
                         "/newer-minor.so): needs a host with plugin ABI 1." +
                         std::to_string(SR_ABI_MINOR + 1) +
                         " or newer (its SR_ABI_TARGET_MINOR), but this host speaks ABI 1." +
                         std::to_string(SR_ABI_MINOR);
  EXPECT_NE(host.Output().find(expected), std::string::npos) << host.Output();
}

TEST(AbiNegotiation, LargerDescriptorFromNewerHeadersLoads) {
  TestHost host(Yaml("  - id: larger-descriptor\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/fixtures/larger-descriptor").body,
            "{\"fixture\":\"larger-descriptor\"}");
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(AbiNegotiation, AbsurdDescriptorSizeIsRefused) {
  TestHost host(Yaml("  - id: huge-descriptor\n"));
  ASSERT_FALSE(host.Start());
  EXPECT_EQ(host.exit_code(), 2) << host.Output();
  EXPECT_NE(host.Output().find("plugin 'huge-descriptor' ("), std::string::npos) << host.Output();
  EXPECT_NE(host.Output().find("malformed descriptor (struct_size 100000)"), std::string::npos)
      << host.Output();
}

TEST(AbiNegotiation, FrozenAbi11PluginTargetsMinor1AndLoads) {
  const sr_plugin_descriptor* descriptor = Descriptor("abi-1-1");
  ASSERT_NE(descriptor, nullptr);
  EXPECT_EQ(descriptor->abi_minor, 1);
  TestHost host(Yaml("  - id: abi-1-1\n"));
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/fixtures/abi-1-1").status, 200);
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::test
