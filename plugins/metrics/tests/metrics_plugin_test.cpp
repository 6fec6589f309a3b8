// The metrics plugin in the SDK's fake host: /metrics renders what other plugins registered,
// and the fleet gauges follow the spawner-directory's per-region totals.
#include <gtest/gtest.h>

#include <sr/services/spawner_directory.h>
#include <sr/metrics.hpp>
#include <sr/plugin.hpp>
#include <sr/testing/fake_host.hpp>

#include <string>
#include <vector>

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);  // metrics

namespace {

using sr::testing::FakeHost;
using sr::testing::FakeResponse;

// Another plugin with a counter of its own.
class Emitter final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"emitter", "1.0.0", "registers a counter"}; }
  void Init(sr::Host& host) override {
    sr::Counters(host, "emitter_jobs_total", "Jobs done.", {"kind"}).With({"copy"}).Inc(3);
  }
};

// A directory whose region totals the test sets.
struct FakeDirectory {
  std::vector<sr_spawner_region_totals> regions;
  sr_spawner_directory_v2 vtable{};

  FakeDirectory() {
    vtable.struct_size = sizeof(vtable);
    vtable.self = this;
    vtable.region_totals = [](void* self, sr_spawner_region_fn fn, void* ctx) -> sr_status {
      for (const auto& region : static_cast<FakeDirectory*>(self)->regions) {
        if (fn(ctx, &region) == 0) break;
      }
      return SR_OK;
    };
  }
  static sr_spawner_region_totals Region(const char* name, std::uint64_t spawners,
                                         std::uint64_t suspect) {
    sr_spawner_region_totals totals{};
    totals.struct_size = sizeof(totals);
    totals.region = sr_str{name, std::char_traits<char>::length(name)};
    totals.spawners = spawners;
    totals.suspect = suspect;
    totals.current_instances = spawners * 2;
    totals.max_instances = spawners * 4;
    return totals;
  }
};

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsPlugin, ServesEveryPluginsMetricsInTheTextFormat) {
  FakeHost host;
  host.SetMissingGuards(FakeHost::AllowAllGuards({{"role", "viewer"}}));
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Emitter>(), "{}").ok());
  ASSERT_TRUE(host.Load(sr_plugin_entry_v1(), "{}").ok());
  ASSERT_TRUE(host.Start().ok());
  FakeResponse response = host.Call("GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.Header("Cache-Control"), "no-store");
  EXPECT_EQ(response.body,
            "# HELP emitter_jobs_total Jobs done.\n"
            "# TYPE emitter_jobs_total counter\n"
            "emitter_jobs_total{kind=\"copy\"} 3\n");
  EXPECT_EQ(host.Call("POST", "/metrics").status, 405);
}

TEST(MetricsPlugin, NeedsItsGuard) {
  FakeHost host;
  host.SetMissingGuards(FakeHost::DenyMissingGuards());
  ASSERT_TRUE(host.Load(sr_plugin_entry_v1(), "{}").ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/metrics").status, 503);
}

TEST(MetricsPlugin, FleetGaugesFollowTheDirectoryAndGoToZeroForAnEmptiedRegion) {
  FakeDirectory directory;
  directory.regions = {FakeDirectory::Region("eu", 3, 1), FakeDirectory::Region("us", 2, 0)};
  FakeHost host;
  host.SetMissingGuards(FakeHost::AllowAllGuards());
  host.ProvideService(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2,
                      &directory.vtable);
  ASSERT_TRUE(host.Load(sr_plugin_entry_v1(), "{}").ok());
  ASSERT_TRUE(host.Start().ok());
  std::string text = host.Call("GET", "/metrics").body;
  EXPECT_TRUE(Has(text, "spawner_registry_spawners{region=\"eu\",health=\"healthy\"} 2")) << text;
  EXPECT_TRUE(Has(text, "spawner_registry_spawners{region=\"eu\",health=\"suspect\"} 1"));
  EXPECT_TRUE(Has(text, "spawner_registry_spawners{region=\"us\",health=\"healthy\"} 2"));
  EXPECT_TRUE(Has(text, "spawner_registry_instances{region=\"eu\"} 6"));
  EXPECT_TRUE(Has(text, "spawner_registry_instance_capacity{region=\"us\"} 8"));

  directory.regions = {FakeDirectory::Region("eu", 1, 0)};
  text = host.Call("GET", "/metrics").body;
  EXPECT_TRUE(Has(text, "spawner_registry_spawners{region=\"eu\",health=\"healthy\"} 1")) << text;
  EXPECT_TRUE(Has(text, "spawner_registry_spawners{region=\"us\",health=\"healthy\"} 0"));
  EXPECT_TRUE(Has(text, "spawner_registry_instances{region=\"us\"} 0"));
}

TEST(MetricsPlugin, WithoutADirectoryThereAreNoFleetGauges) {
  FakeHost host;
  host.SetMissingGuards(FakeHost::AllowAllGuards());
  ASSERT_TRUE(host.Load(sr_plugin_entry_v1(), "{}").ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Call("GET", "/metrics").body, "");
}

}  // namespace
