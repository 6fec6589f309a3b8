// sr/metrics.hpp over sr::testing::FakeHost: what plugins see of the 1.3 metric calls. The
// host compiles the same rules and text format (sr/metric_store.hpp); HostApiSlots.Metrics
// checks its table, MetricsE2e.* the real output with promtool.
#include <gtest/gtest.h>

#include <sr/metrics.hpp>
#include <sr/plugin.hpp>
#include <sr/testing/fake_host.hpp>

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

using sr::testing::FakeHost;

// A plugin whose Init is the test's.
std::function<void(sr::Host&)> g_init;

class Probe final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"probe", "1.0.0", "runs the test's Init"}; }
  void Init(sr::Host& host) override { g_init(host); }
};

sr::testing::LifecycleResult LoadWith(FakeHost& host, std::function<void(sr::Host&)> init) {
  g_init = std::move(init);
  return host.Load(sr::detail::DescriptorFor<Probe>(), "{}");
}

TEST(SdkMetrics, RendersEveryKindInTheTextFormat) {
  FakeHost host;
  ASSERT_TRUE(LoadWith(host, [](sr::Host& h) {
                auto requests =
                    sr::Counters(h, "probe_requests_total", "Requests\nseen.", {"route", "code"});
                requests.With({"/a/{id}", "200"}).Inc();
                requests.With({"/a/{id}", "200"}).Inc(2);
                requests.With({"say \"hi\"\\\n", "500"}).Inc();
                requests.With({"/a/{id}", "200"}).Inc(-5);  // a counter never goes down
                sr::Gauge level = sr::Gauges(h, "probe_level", "Level.").With({});
                level.Set(2.5);
                level.Dec();
                auto latency = sr::Histograms(h, "probe_seconds", "Latency.", {}, {0.5, 1});
                sr::Histogram seconds = latency.With({});
                for (double v : {0.25, 0.5, 0.75, 3.0}) seconds.Observe(v);
              }).ok());
  EXPECT_EQ(host.Metrics(),
            "# HELP probe_level Level.\n"
            "# TYPE probe_level gauge\n"
            "probe_level 1.5\n"
            "# HELP probe_requests_total Requests\\nseen.\n"
            "# TYPE probe_requests_total counter\n"
            "probe_requests_total{route=\"/a/{id}\",code=\"200\"} 3\n"
            "probe_requests_total{route=\"say \\\"hi\\\"\\\\\\n\",code=\"500\"} 1\n"
            "# HELP probe_seconds Latency.\n"
            "# TYPE probe_seconds histogram\n"
            "probe_seconds_bucket{le=\"0.5\"} 2\n"
            "probe_seconds_bucket{le=\"1\"} 3\n"
            "probe_seconds_bucket{le=\"+Inf\"} 4\n"
            "probe_seconds_sum 4.5\n"
            "probe_seconds_count 4\n");
}

TEST(SdkMetrics, RefusesBadSpecsAndTakenNames) {
  const std::vector<std::function<void(sr::Host&)>> refused = {
      [](sr::Host& h) { sr::Counters(h, "probe_requests", "no _total"); },
      [](sr::Host& h) { sr::Gauges(h, "probe_level_total", "only counters end so"); },
      [](sr::Host& h) { sr::Gauges(h, "9lives", "bad name"); },
      [](sr::Host& h) { sr::Gauges(h, "probe_x", "bad label", {"__reserved"}); },
      [](sr::Host& h) {
        sr::Gauges(h, "probe_x", "twice", {"a", "a"});
      },
      [](sr::Host& h) { sr::Histograms(h, "probe_x", "le is taken", {"le"}); },
      [](sr::Host& h) {
        sr::Histograms(h, "probe_x", "decreasing", {}, {2, 1});
      },
      [](sr::Host& h) {
        sr::Gauges(h, "probe_x", "first");
        sr::Gauges(h, "probe_x", "second");
      },
      [](sr::Host& h) {
        sr::Gauges(h, "probe_x", "wrong count", {"a"}).With({"1", "2"});
      },
  };
  for (std::size_t i = 0; i < refused.size(); ++i) {
    FakeHost host;
    auto result = LoadWith(host, refused[i]);
    EXPECT_FALSE(result.ok()) << "case " << i;
  }
}

TEST(SdkMetrics, SeriesAreInertOnAHostOlderThan13) {
  FakeHost host;
  host.SetHostAbiMinor(2);
  bool active = true;
  g_init = [&](sr::Host& h) {
    sr::Counter counter = sr::Counters(h, "probe_total", "x").With({});
    counter.Inc();  // does nothing, throws nothing
    sr::OnCollect(h, [] {});
    active = counter.active();
    EXPECT_EQ(sr::RenderMetrics(h), "");
  };
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Probe, 2>(), "{}").ok());
  EXPECT_FALSE(active);
}

TEST(SdkMetrics, CollectorsRunBeforeEachRenderUntilThePluginStops) {
  FakeHost host;
  int runs = 0;
  ASSERT_TRUE(LoadWith(host, [&runs](sr::Host& h) {
                sr::Gauge runs_gauge = sr::Gauges(h, "probe_runs", "Renders seen.").With({});
                sr::OnCollect(h, [&runs, runs_gauge] { runs_gauge.Set(++runs); });
              }).ok());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_NE(host.Metrics().find("probe_runs 1\n"), std::string::npos);
  EXPECT_NE(host.Metrics().find("probe_runs 2\n"), std::string::npos);
  host.Stop();
  host.Metrics();
  EXPECT_EQ(runs, 2);
}

// The hot path: many threads on one series, no lock; nothing is lost.
TEST(SdkMetrics, UpdatesFromManyThreadsAreAllCounted) {
  FakeHost host;
  sr::Counter counter;
  sr::Histogram histogram;
  ASSERT_TRUE(LoadWith(host, [&](sr::Host& h) {
                counter = sr::Counters(h, "probe_hits_total", "Hits.").With({});
                histogram = sr::Histograms(h, "probe_hit_seconds", "Hit time.").With({});
              }).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Inc();
        histogram.Observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string text = host.Metrics();
  EXPECT_NE(text.find("probe_hits_total 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("probe_hit_seconds_count 40000\n"), std::string::npos) << text;
}

}  // namespace
