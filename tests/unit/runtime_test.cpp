#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "config/config_error.h"
#include "http/http_server.h"
#include "plugins/dependency_resolver.h"
#include "runtime/error_log.h"
#include "runtime/event_bus.h"
#include "runtime/plugin_health.h"
#include "runtime/task_scheduler.h"
#include "streams/sse_frame.h"
#include "util/strings.h"

namespace sr::host {
namespace {

using namespace std::chrono_literals;

template <typename Predicate>
bool WaitFor(Predicate predicate, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return predicate();
}

TEST(TaskScheduler, RunsOneShotAndPeriodicTasks) {
  TaskScheduler scheduler(2);
  std::atomic<int> once{0};
  std::atomic<int> periodic{0};
  scheduler.Submit("t", "once", [&] { ++once; });
  auto id = scheduler.Schedule({"t", "tick", [&] { ++periodic; }, 0ms, 5ms});
  EXPECT_TRUE(WaitFor([&] { return once == 1 && periodic >= 3; }));
  scheduler.Cancel(id);
  int after_cancel = periodic;
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(periodic, after_cancel);
}

TEST(TaskScheduler, CancelWaitsForARunningInvocation) {
  TaskScheduler scheduler(2);
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  auto id = scheduler.Schedule({"t", "slow",
                                [&] {
                                  started = true;
                                  std::this_thread::sleep_for(50ms);
                                  finished = true;
                                },
                                0ms, 1000ms});
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  scheduler.Cancel(id);
  EXPECT_TRUE(finished);
}

TEST(TaskScheduler, PeriodicTaskNeverOverlapsItself) {
  TaskScheduler scheduler(4);
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> runs{0};
  scheduler.Schedule({"t", "tick",
                      [&] {
                        if (++running > 1) ++overlaps;
                        std::this_thread::sleep_for(3ms);
                        --running;
                        ++runs;
                      },
                      0ms, 1ms});
  EXPECT_TRUE(WaitFor([&] { return runs >= 10; }));
  EXPECT_EQ(overlaps, 0);
}

TEST(TaskScheduler, CancelOwnerAndPause) {
  TaskScheduler scheduler(2);
  scheduler.Pause();
  std::atomic<int> runs{0};
  scheduler.Schedule({"plugin-a", "x", [&] { ++runs; }, 0ms, 1ms});
  scheduler.Schedule({"plugin-b", "y", [&] { ++runs; }, 0ms, 0ms});
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 0);  // paused
  scheduler.CancelOwner("plugin-a");
  scheduler.Resume();
  EXPECT_TRUE(WaitFor([&] { return runs == 1; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1);
  scheduler.Shutdown();
  EXPECT_EQ(scheduler.Schedule({"x", "late", [] {}, 0ms, 0ms}), 0u);
}

TEST(EventBus, DeliversInOrderAndByPattern) {
  EventBus bus(100);
  std::vector<std::string> seen;
  std::mutex mutex;
  bus.Subscribe("a", "spawner.*", [&](std::string_view topic, std::string_view payload) {
    std::lock_guard<std::mutex> lock(mutex);
    seen.push_back(std::string(topic) + "=" + std::string(payload));
  });
  bus.Publish("spawner.registered", "1");
  bus.Publish("other", "x");
  bus.Publish("spawner.removed", "2");
  bus.Drain();
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "spawner.registered=1");
  EXPECT_EQ(seen[1], "spawner.removed=2");
  EXPECT_TRUE(EventBus::Matches("a.*", "a.b"));
  EXPECT_FALSE(EventBus::Matches("a.*", "ab"));
  EXPECT_FALSE(EventBus::Matches("a.*", "a."));
}

TEST(EventBus, UnsubscribeWaitsForDeliveryAndBoundsTheQueue) {
  EventBus bus(2);
  std::atomic<bool> in_handler{false};
  std::atomic<bool> done{false};
  auto id = bus.Subscribe("a", "t", [&](std::string_view, std::string_view) {
    in_handler = true;
    std::this_thread::sleep_for(50ms);
    done = true;
  });
  bus.Publish("t", "");
  ASSERT_TRUE(WaitFor([&] { return in_handler.load(); }));
  bus.Unsubscribe(id);
  EXPECT_TRUE(done);
  // The queue holds two events; more are dropped and counted while nothing drains it fast.
  bus.Subscribe("a", "slow",
                [&](std::string_view, std::string_view) { std::this_thread::sleep_for(20ms); });
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += bus.Publish("slow", "") ? 1 : 0;
  EXPECT_LT(accepted, 10);
  EXPECT_GT(bus.dropped(), 0u);
}

// event_publish answers SR_ERR_SHUTTING_DOWN rather than SR_ERR_UNAVAILABLE once the bus
// stops: a full queue refuses while the bus still runs, a stopped bus refuses for good.
TEST(EventBus, TellsAStoppedBusFromAFullQueue) {
  EventBus bus(1);
  EXPECT_FALSE(bus.stopping());
  bus.Shutdown();
  EXPECT_TRUE(bus.stopping());
  EXPECT_FALSE(bus.Publish("t", ""));
}

TEST(DependencyResolver, OrdersProvidersFirstAndKeepsFileOrder) {
  std::vector<DependencyNode> nodes = {
      {"registry", {}, {{"kv", 1, 0}}, {}},
      {"auth", {{"api-key", 1, 1}}, {}, {{"kv", 1, 0}}},
      {"store", {{"kv", 1, 0}}, {}, {}},
  };
  auto order = ResolveInitOrder(nodes);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(nodes[order[0]].id, "store");
  EXPECT_EQ(nodes[order[1]].id, "registry");
  EXPECT_EQ(nodes[order[2]].id, "auth");
}

TEST(DependencyResolver, ReportsMissingVersionDuplicateAndCycle) {
  auto message = [](std::vector<DependencyNode> nodes) {
    try {
      ResolveInitOrder(nodes, [](const Capability&) { return std::string("maybe-this"); });
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string missing = message({{"a", {}, {{"kv", 1, 0}}, {}}});
  EXPECT_NE(missing.find("plugin 'a' requires service 'kv'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("enable plugin 'maybe-this'"), std::string::npos) << missing;
  std::string old = message({{"a", {}, {{"kv", 2, 0}}, {}}, {"b", {{"kv", 1, 0}}, {}, {}}});
  EXPECT_NE(old.find("provides version 1"), std::string::npos) << old;
  std::string twice = message({{"a", {{"kv", 1, 0}}, {}, {}}, {"b", {{"kv", 1, 0}}, {}, {}}});
  EXPECT_NE(twice.find("both plugin 'a' and plugin 'b'"), std::string::npos) << twice;
  std::string cycle =
      message({{"a", {{"x", 1, 0}}, {{"y", 1, 0}}, {}}, {"b", {{"y", 1, 0}}, {{"x", 1, 0}}, {}}});
  EXPECT_NE(cycle.find("dependency cycle"), std::string::npos) << cycle;
  EXPECT_NE(cycle.find("'a'"), std::string::npos) << cycle;
  EXPECT_NE(cycle.find("'b'"), std::string::npos) << cycle;
}

TEST(ErrorLog, KeepsTheNewestEntries) {
  ErrorLog log(3);
  for (int i = 0; i < 5; ++i) log.Record({0, 400 + i, 0, "GET", "/p", "m", "ip"});
  std::vector<int> oldest_first;
  log.Read(0, 10, false, [&](const ErrorLog::Entry& e) {
    oldest_first.push_back(e.status);
    return true;
  });
  EXPECT_EQ(oldest_first, (std::vector<int>{402, 403, 404}));
  std::vector<std::uint64_t> newest_first;
  log.Read(3, 10, true, [&](const ErrorLog::Entry& e) {
    newest_first.push_back(e.sequence);
    return true;
  });
  EXPECT_EQ(newest_first, (std::vector<std::uint64_t>{5, 4}));
}

TEST(SseFrame, FramesEventsSafely) {
  auto frame = MakeEventFrame(7, "stats\ninjected: x", "line1\nline2\r\nline3\rend");
  std::string text(frame->raw());
  EXPECT_EQ(text, "id: 7\nevent: stats\ndata: line1\ndata: line2\ndata: line3\ndata: end\n\n");
  std::string chunked(frame->chunked());
  char header[16];
  std::snprintf(header, sizeof(header), "%zx\r\n", text.size());
  EXPECT_EQ(chunked, std::string(header) + text + "\r\n");
  EXPECT_EQ(std::string(MakeCommentFrame("ka")->raw()), ": ka\n\n");
  EXPECT_EQ(ParseLastEventId(" 42 "), 42u);
  EXPECT_EQ(ParseLastEventId("x"), 0u);
}

TEST(Strings, JsonEscapingKeepsJsonValid) {
  std::string out;
  AppendJsonEscaped(out, std::string("a\"b\\c\n<\x01\xff\xc3\xa9", 11));
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u003c\\u0001\\ufffdé");
  EXPECT_EQ(JsonError("x"), "{\"error\":\"x\"}");
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_FALSE(PercentDecode("%4", false));
}

TEST(PluginHealth, OneStatePerPluginInTheOrderTheyBecameDegraded) {
  PluginHealth health;
  EXPECT_FALSE(health.Set("a", false, "nothing to clear"));
  EXPECT_TRUE(health.Set("b", true, "store: disk full"));
  EXPECT_TRUE(health.Set("a", true, "db \"down\""));
  EXPECT_FALSE(health.Set("b", true, "store: disk full")) << "a repeated state is no transition";
  EXPECT_TRUE(health.Set("b", true, "store: read-only"));
  EXPECT_EQ(health.HealthJson(),
            "{\"status\":\"degraded\",\"degraded\":["
            "{\"plugin\":\"b\",\"reason\":\"store: read-only\"},"
            "{\"plugin\":\"a\",\"reason\":\"db \\\"down\\\"\"}]}");
  health.Clear("b");
  EXPECT_TRUE(health.Set("a", false, "ignored"));
  EXPECT_EQ(health.HealthJson(), "{\"status\":\"healthy\"}");
}

TEST(PluginHealth, LongReasonsAreCutOnACharacterBoundary) {
  PluginHealth health;
  // 1023 ASCII bytes then a two-byte character straddling the limit.
  std::string reason = std::string(sr::HealthStates::kMaxReasonBytes - 1, 'x') + "\xc3\xa9tail";
  health.Set("p", true, reason);
  EXPECT_EQ(health.DegradedPlugins().at(0).reason,
            std::string(sr::HealthStates::kMaxReasonBytes - 1, 'x'));
}

TEST(EndpointText, BracketsIpv6) {
  EXPECT_EQ(EndpointText("0.0.0.0", 8081), "0.0.0.0:8081");
  EXPECT_EQ(EndpointText("::", 40000), "[::]:40000");
  EXPECT_EQ(EndpointText("localhost", 1), "localhost:1");
}

}  // namespace
}  // namespace sr::host
