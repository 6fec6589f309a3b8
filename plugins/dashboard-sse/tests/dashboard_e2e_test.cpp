// The dashboard through the real executable: the event stream, the JSON routes and the
// static files, with the registry loaded and guards left open (auth has its own tests; the
// browser suite runs everything together).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_client.h"
#include "sse_client.h"
#include "test_host.h"

namespace sr::dashboard {
namespace {

using namespace std::chrono_literals;
using sr::test::Fetch;
using sr::test::HttpClient;
using sr::test::SseClient;
using sr::test::SseEvent;
using sr::test::TestHost;

constexpr const char* kDashboardConfig =
    "  - id: dashboard-sse\n"
    "    config:\n"
    "      web_root: {{SOURCE_DIR}}/web\n"
    "      stats_interval: 200ms\n"
    "      spawners_interval: 300ms\n"
    "      flush_interval: 50ms\n"
    "      assets_reload_interval: 0\n";

std::string Yaml(bool with_registry, const std::string& extra_dashboard_config = "") {
  std::string yaml =
      "server:\n"
      "  bind: 127.0.0.1\n"
      "  port: 0\n"
      "  missing_guards: allow\n"
      "plugins:\n";
  if (with_registry) yaml += "  - id: spawner-registry\n";
  return yaml + kDashboardConfig + extra_dashboard_config;
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

std::uint64_t Register(std::uint16_t port, const std::string& region = "eu-west") {
  auto response =
      Fetch(port, "POST", "/api/spawners",
            R"({"region":")" + region +
                R"(","host":"10.1.2.3","port":7777,"max_instances":8,"current_instances":3})",
            {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 201) << response.body;
  return Parse(response.body)["id"].GetUint64();
}

// Reads a stream event by event: the raw client returns events in batches, and an event after
// the one looked for must not be lost.
class EventReader {
 public:
  explicit EventReader(SseClient& stream) : stream_(stream) {}

  // The next event `match` accepts (skipping others), or nullopt after `timeout`.
  template <typename Match>
  std::optional<SseEvent> Until(Match match, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      while (!pending_.empty()) {
        SseEvent event = std::move(pending_.front());
        pending_.pop_front();
        if (match(event)) return event;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      for (SseEvent& event : stream_.Read(100ms)) pending_.push_back(std::move(event));
    }
  }

 private:
  SseClient& stream_;
  std::deque<SseEvent> pending_;
};

template <typename Match>
std::optional<SseEvent> ReadUntil(SseClient& stream, Match match,
                                  std::chrono::milliseconds timeout = 3s) {
  return EventReader(stream).Until(match, timeout);
}

bool HasId(const rapidjson::Value& array, std::uint64_t id) {
  for (const auto& item : array.GetArray()) {
    if ((item.IsObject() ? item["id"].GetUint64() : item.GetUint64()) == id) return true;
  }
  return false;
}

class DashboardE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(host_.Start()) << host_.Output(); }
  void TearDown() override { EXPECT_EQ(host_.Stop(), 0) << host_.Output(); }
  std::uint16_t port() const { return host_.port(); }

  TestHost host_{Yaml(true)};
};

TEST_F(DashboardE2eTest, StatsCarryTheOriginalFieldsAndTheMachine) {
  Register(port());
  // The figures are sampled per tick: wait for one that saw the registration.
  rapidjson::Document stats;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto response = Fetch(port(), "GET", "/api/stats");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.Header("Content-Type"), "application/json");
    stats = Parse(response.body);
    if (stats["active_spawners"].GetUint64() == 1) break;
    std::this_thread::sleep_for(100ms);
  }
  for (const char* field :
       {"uptime", "active_spawners", "total_requests", "total_errors", "db_connected",
        "memory_usage", "bytes_sent", "bytes_received", "requests_per_second", "suspect_spawners",
        "instances_in_use", "capacity", "tick", "timestamp", "machine"}) {
    EXPECT_TRUE(stats.HasMember(field)) << field;
  }
  EXPECT_EQ(stats["active_spawners"].GetUint64(), 1u);
  EXPECT_EQ(stats["instances_in_use"].GetUint64(), 3u);
  EXPECT_EQ(stats["capacity"].GetUint64(), 8u);
  EXPECT_FALSE(stats["db_connected"].GetBool());  // no kv-store enabled
  EXPECT_GT(stats["memory_usage"].GetUint64(), 0u);
  const auto& machine = stats["machine"];
  for (const char* field : {"cpu_percent", "memory_total", "memory_available", "disk_total",
                            "disk_free", "net_rx_bytes_per_second", "net_tx_bytes_per_second"}) {
    EXPECT_TRUE(machine.HasMember(field)) << field;
  }
  EXPECT_GT(machine["memory_total"].GetUint64(), 0u);
  EXPECT_GT(machine["disk_total"].GetUint64(), 0u);
}

TEST_F(DashboardE2eTest, StreamGreetsThenTicks) {
  SseClient stream(port());
  auto head = stream.Open("/events");
  ASSERT_EQ(head.status, 200);
  EventReader events(stream);
  auto hello = events.Until([](const SseEvent& e) { return e.event == "hello"; });
  ASSERT_TRUE(hello);
  EXPECT_TRUE(hello->id.empty());  // per-client: not replayed
  auto greeting = Parse(hello->data);
  EXPECT_TRUE(greeting["spawners"]["available"].GetBool());
  EXPECT_EQ(greeting["stats_interval_ms"].GetInt(), 200);
  EXPECT_TRUE(greeting["stats"].IsObject());

  std::set<std::uint64_t> ticks;
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (ticks.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    auto stats = events.Until([](const SseEvent& e) { return e.event == "stats"; }, 1s);
    if (!stats) continue;
    EXPECT_FALSE(stats->id.empty());
    ticks.insert(Parse(stats->data)["tick"].GetUint64());
  }
  ASSERT_GE(ticks.size(), 3u);
  EXPECT_EQ(*ticks.rbegin() - *ticks.begin(), ticks.size() - 1);  // no tick skipped
}

TEST_F(DashboardE2eTest, RegistrationAndRemovalArriveAsChangesAndDeltas) {
  SseClient stream(port());
  ASSERT_EQ(stream.Open("/events").status, 200);
  EventReader events(stream);
  ASSERT_TRUE(events.Until([](const SseEvent& e) { return e.event == "hello"; }));

  std::uint64_t id = Register(port(), "<img src=x onerror=alert(1)>");
  auto change = events.Until([&](const SseEvent& e) {
    return e.event == "spawner" && HasId(Parse(e.data)["upserts"], id);
  });
  ASSERT_TRUE(change) << "no immediate spawner event";

  // Deltas chain: each one's base is the version the one before produced. One of them
  // carries the new spawner whole.
  std::optional<std::uint64_t> version;
  auto delta = events.Until([&](const SseEvent& e) {
    if (e.event != "spawners") return false;
    auto json = Parse(e.data);
    if (version) {
      EXPECT_EQ(json["base"].GetUint64(), *version);
    }
    version = json["version"].GetUint64();
    if (!HasId(json["upserts"], id)) return false;
    EXPECT_STREQ(json["upserts"][0]["region"].GetString(), "<img src=x onerror=alert(1)>");
    EXPECT_EQ(json["totals"]["spawners"].GetUint64(), 1u);
    return true;
  });
  ASSERT_TRUE(delta) << "no delta with the new spawner";

  ASSERT_EQ(Fetch(port(), "DELETE", "/api/spawners/" + std::to_string(id)).status, 200);
  auto removal = events.Until([&](const SseEvent& e) {
    return e.event == "spawner" && HasId(Parse(e.data)["removed"], id);
  });
  EXPECT_TRUE(removal) << "no immediate removal";
  auto removed_delta = events.Until([&](const SseEvent& e) {
    return e.event == "spawners" && HasId(Parse(e.data)["removed"], id);
  });
  EXPECT_TRUE(removed_delta) << "no delta with the removal";
}

TEST_F(DashboardE2eTest, HeartbeatsArriveAsChangedFieldsOnly) {
  std::uint64_t id = Register(port());
  std::this_thread::sleep_for(700ms);  // a tick has taken the registration in
  SseClient stream(port());
  ASSERT_EQ(stream.Open("/events").status, 200);
  EventReader events(stream);
  ASSERT_TRUE(events.Until([](const SseEvent& e) { return e.event == "hello"; }));
  auto beat = Fetch(port(), "POST", "/api/spawners/" + std::to_string(id) + "/heartbeat",
                    R"({"current_instances":6})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(beat.status, 200) << beat.body;
  auto delta = events.Until([&](const SseEvent& e) {
    return e.event == "spawners" && HasId(Parse(e.data)["changes"]["id"], id);
  });
  ASSERT_TRUE(delta) << "no delta with the heartbeat";
  auto json = Parse(delta->data);
  EXPECT_EQ(json["upserts"].Size(), 0u);
  const auto& changes = json["changes"];
  EXPECT_EQ(changes["current_instances"][0].GetInt(), 6);
  // last_seen as milliseconds before time_base: within the last few seconds.
  ASSERT_TRUE(changes["last_seen"][0].IsInt64());
  EXPECT_LE(changes["last_seen"][0].GetInt64(), 0);
  EXPECT_GT(changes["last_seen"][0].GetInt64(), -5000);
  EXPECT_FALSE(changes.HasMember("region"));
}

TEST_F(DashboardE2eTest, IdleDeltasAreEmptyAndKeepTheVersion) {
  Register(port());
  std::this_thread::sleep_for(700ms);  // a tick has taken the registration in
  SseClient stream(port());
  ASSERT_EQ(stream.Open("/events").status, 200);
  EventReader events(stream);
  auto first = events.Until([](const SseEvent& e) { return e.event == "spawners"; });
  auto second = events.Until([](const SseEvent& e) { return e.event == "spawners"; });
  ASSERT_TRUE(first && second);
  auto json = Parse(second->data);
  EXPECT_EQ(json["upserts"].Size(), 0u);
  EXPECT_EQ(json["changes"]["id"].Size(), 0u);
  EXPECT_EQ(json["removed"].Size(), 0u);
  EXPECT_EQ(json["base"].GetUint64(), json["version"].GetUint64());
  EXPECT_LT(second->data.size(), 300u);  // the fleet is not resent
}

TEST_F(DashboardE2eTest, ReconnectWithLastEventIdReplaysMissedTicks) {
  std::string last_id;
  std::uint64_t last_tick = 0;
  {
    SseClient stream(port());
    ASSERT_EQ(stream.Open("/events").status, 200);
    auto stats = ReadUntil(stream, [](const SseEvent& e) { return e.event == "stats"; });
    ASSERT_TRUE(stats);
    last_id = stats->id;
    last_tick = Parse(stats->data)["tick"].GetUint64();
  }
  std::this_thread::sleep_for(700ms);  // ticks happen while disconnected
  SseClient again(port());
  ASSERT_EQ(again.Open("/events", last_id).status, 200);
  auto replayed = ReadUntil(again, [](const SseEvent& e) { return e.event == "stats"; });
  ASSERT_TRUE(replayed);
  EXPECT_EQ(Parse(replayed->data)["tick"].GetUint64(), last_tick + 1);
  EXPECT_GT(std::stoull(replayed->id), std::stoull(last_id));
}

TEST_F(DashboardE2eTest, ErrorsAreStreamedAndListedWithFilters) {
  SseClient stream(port());
  ASSERT_EQ(stream.Open("/events").status, 200);
  EventReader events(stream);
  EXPECT_EQ(Fetch(port(), "GET", "/no/such/page-42").status, 404);
  auto streamed = events.Until([](const SseEvent& e) {
    return e.event == "http_error" && e.data.find("/no/such/page-42") != std::string::npos;
  });
  ASSERT_TRUE(streamed);
  EXPECT_EQ(Parse(streamed->data)["errors"][0]["status"].GetInt(), 404);

  auto listed = Fetch(port(), "GET", "/api/errors?path=PAGE-42&status=4xx");
  ASSERT_EQ(listed.status, 200);
  auto json = Parse(listed.body);
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), 1u);
  EXPECT_FALSE(listed.HasHeader("Link"));  // one page only
  const auto& entry = json[0];
  EXPECT_STREQ(entry["path"].GetString(), "/no/such/page-42");
  EXPECT_STREQ(entry["method"].GetString(), "GET");
  EXPECT_STREQ(entry["client_ip"].GetString(), "127.0.0.1");
  EXPECT_TRUE(entry["timestamp"].IsString());
  EXPECT_TRUE(entry["message"].IsString());

  EXPECT_EQ(Parse(Fetch(port(), "GET", "/api/errors?status=5xx").body).Size(), 0u);
  for (const char* bad : {"limit=0", "limit=1001", "before=x", "status=6xx"}) {
    auto refused = Fetch(port(), "GET", std::string("/api/errors?") + bad);
    EXPECT_EQ(refused.status, 400) << bad;
    std::string name(bad, std::string_view(bad).find('='));
    EXPECT_NE(refused.body.find(name), std::string::npos) << refused.body;
  }
}

// Walks the whole log through Link rel="next", as a script or the errors page does: every
// entry once, newest first, and the last page has no Link.
TEST_F(DashboardE2eTest, ErrorsPageThroughLinkNextNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Fetch(port(), "GET", "/no/such/paged-" + std::to_string(i)).status, 404);
  }
  std::vector<std::uint64_t> sequences;
  std::vector<std::string> paths;
  std::string target = "/api/errors?limit=2&path=paged-";
  for (int pages = 0; !target.empty(); ++pages) {
    ASSERT_LT(pages, 10) << "the Link chain does not end";
    auto page = Fetch(port(), "GET", target);
    ASSERT_EQ(page.status, 200) << target;
    auto json = Parse(page.body);
    ASSERT_TRUE(json.IsArray());
    for (const auto& entry : json.GetArray()) {
      sequences.push_back(entry["sequence"].GetUint64());
      paths.emplace_back(entry["path"].GetString());
    }
    target.clear();
    if (page.HasHeader("Link")) {
      std::string link = page.Header("Link");
      ASSERT_EQ(link.front(), '<') << link;
      auto end = link.find('>');
      ASSERT_NE(end, std::string::npos);
      EXPECT_EQ(link.substr(end), ">; rel=\"next\"");
      target = link.substr(1, end - 1);
      EXPECT_EQ(
          target.rfind("/api/errors?before=" + std::to_string(sequences.back()) + "&limit=2", 0),
          0u)
          << target;
      EXPECT_EQ(json.Size(), 2u);
    }
  }
  ASSERT_EQ(paths.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(paths[i], "/no/such/paged-" + std::to_string(4 - i));
  EXPECT_TRUE(std::is_sorted(sequences.rbegin(), sequences.rend()));
}

TEST_F(DashboardE2eTest, HistoryKeepsOnePointPerTick) {
  std::this_thread::sleep_for(700ms);
  auto response = Fetch(port(), "GET", "/api/stats/history");
  ASSERT_EQ(response.status, 200);
  auto json = Parse(response.body);
  EXPECT_EQ(json["interval_ms"].GetInt(), 200);
  EXPECT_EQ(json["max_points"].GetUint64(), 15u * 60 * 5);
  std::size_t points = json["t"].Size();
  EXPECT_GE(points, 3u);
  EXPECT_EQ(json["requests_per_second"].Size(), points);
  EXPECT_EQ(json["capacity"].Size(), points);
}

TEST_F(DashboardE2eTest, AssetsHaveTypesValidatorsAnd304) {
  auto css = Fetch(port(), "GET", "/assets/css/app.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.Header("Cache-Control"), "no-cache");
  std::string etag = css.Header("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = Fetch(port(), "GET", "/assets/css/app.css", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Header("ETag"), etag);

  auto script = Fetch(port(), "GET", "/assets/js/pages/dashboard.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Fetch(port(), "HEAD", "/assets/css/app.css").status, 200);
  EXPECT_EQ(Fetch(port(), "GET", "/favicon.ico").Header("Content-Type"), "image/svg+xml");
}

TEST_F(DashboardE2eTest, NothingOutsideTheWebRootIsServed) {
  for (const char* path :
       {"/assets/../plugins.yaml", "/assets/%2e%2e/%2e%2e/CMakeLists.txt",
        "/assets/..%2f..%2fCMakeLists.txt", "/assets/package.json",
        "/assets/scripts/copy-vendor.mjs", "/assets/vendor/../../package.json", "/assets/.hidden",
        "/assets/", "/assets/css", "/assets/%00.css", "/assets/pages/dashboard.html"}) {
    auto response = Fetch(port(), "GET", path);
    EXPECT_NE(response.status, 200) << path;
    EXPECT_EQ(response.body.find("add_subdirectory"), std::string::npos) << path;
  }
}

TEST_F(DashboardE2eTest, PagesAreHtmlWithAStrictPolicy) {
  const std::regex kEventAttribute(R"(\son[a-z]+\s*=)", std::regex::icase);  // onclick=, ...
  for (const char* path : {"/", "/dashboard", "/errors", "/users", "/builds", "/audit"}) {
    auto page = Fetch(port(), "GET", path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8") << path;
    std::string policy = page.Header("Content-Security-Policy");
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(policy.find("style-src 'self'"), std::string::npos) << path;
    // No inline script or style anywhere in the pages.
    EXPECT_EQ(page.body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(page.body.find("<style"), std::string::npos) << path;
    EXPECT_EQ(page.body.find("style=\""), std::string::npos) << path;
    EXPECT_FALSE(std::regex_search(page.body, kEventAttribute)) << path;
  }
}

TEST(DashboardWithoutRegistry, ReportsNoFleetAndKeepsWorking) {
  TestHost host(Yaml(false));
  ASSERT_TRUE(host.Start()) << host.Output();
  auto stats = Parse(Fetch(host.port(), "GET", "/api/stats").body);
  EXPECT_FALSE(stats["registry_available"].GetBool());
  EXPECT_EQ(stats["active_spawners"].GetUint64(), 0u);
  SseClient stream(host.port());
  ASSERT_EQ(stream.Open("/events").status, 200);
  auto delta = ReadUntil(stream, [](const SseEvent& e) { return e.event == "spawners"; });
  ASSERT_TRUE(delta);
  EXPECT_FALSE(Parse(delta->data)["available"].GetBool());
  EXPECT_NE(host.Output().find("no spawner-directory service"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(DashboardConfig, UnknownKeyIsRefusedByName) {
  TestHost host(Yaml(false, "      stats_intervall: 2s\n"));
  EXPECT_FALSE(host.Start(10s));
  EXPECT_NE(host.Output().find("stats_intervall"), std::string::npos) << host.Output();
}

TEST(DashboardConfig, MissingWebRootStillStartsAndSaysSo) {
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\n  missing_guards: allow\nplugins:\n"
      "  - id: dashboard-sse\n    config:\n      web_root: {{DIR}}/nowhere\n");
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_NE(host.Output().find("is missing"), std::string::npos) << host.Output();
  auto page = Fetch(host.port(), "GET", "/dashboard");
  EXPECT_EQ(page.status, 500);
  EXPECT_NE(page.body.find("web_root"), std::string::npos);
  EXPECT_EQ(host.Stop(), 0);
}

// auth.session_ended ends the /events streams of that session, within a second, and only
// those. session-stand-in (a test fixture) plays auth: its guard names the session from a
// header, and it publishes the event on request.
TEST(DashboardSessions, StreamsEndWithTheirSession) {
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\nplugins:\n"
      "  - id: session-stand-in\n    path: {{FIXTURE_DIR}}/session-stand-in.so\n" +
      std::string(kDashboardConfig));
  ASSERT_TRUE(host.Start()) << host.Output();
  SseClient first(host.port());
  SseClient second(host.port());
  SseClient other(host.port());
  ASSERT_EQ(first.Open("/events", "", {{"X-Test-Session", "s1"}}).status, 200);
  ASSERT_EQ(second.Open("/events", "", {{"X-Test-Session", "s1"}}).status, 200);
  ASSERT_EQ(other.Open("/events", "", {{"X-Test-Session", "s2"}}).status, 200);
  for (SseClient* stream : {&first, &second, &other}) {
    ASSERT_FALSE(stream->Read(3s, 1).empty());  // hello
  }

  ASSERT_EQ(Fetch(host.port(), "POST", "/fixtures/end-session", "s1").status, 200);
  auto published = std::chrono::steady_clock::now();
  for (SseClient* stream : {&first, &second}) {
    while (!stream->ended() && std::chrono::steady_clock::now() - published < 1s) {
      stream->Read(50ms);
    }
    EXPECT_TRUE(stream->ended());
    EXPECT_TRUE(stream->client().WaitForClose(1s));
  }
  // The other session's stream keeps ticking.
  EXPECT_FALSE(other.Read(1s, 2).empty());
  EXPECT_FALSE(other.ended());
  EXPECT_EQ(host.Stop(), 0);
}

// The same with the real auth plugin: signing out ends the streams of that session only.
TEST(DashboardSessions, SigningOutEndsThatSessionsStreams) {
  if (!std::filesystem::exists(sr::test::PluginDir() + "/auth.so")) {
    GTEST_SKIP() << "the auth plugin is not built";
  }
  const std::string password = "dashboard e2e admin password";
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\nplugins:\n"
      "  - id: auth\n    config:\n      argon2_opslimit: 1\n      argon2_memlimit: 8KiB\n" +
          std::string(kDashboardConfig),
      {{"ADMIN_EMAIL", "admin@example.com"}, {"ADMIN_PASSWORD", password}});
  ASSERT_TRUE(host.Start()) << host.Output();
  struct Signed {
    std::string cookie;
    std::string csrf;
  };
  auto sign_in = [&] {
    auto response = Fetch(host.port(), "POST", "/login",
                          R"({"email":"admin@example.com","password":")" + password + R"("})",
                          {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 200) << response.body;
    std::smatch cookie;
    std::string set_cookie = response.Header("Set-Cookie");
    std::regex_search(set_cookie, cookie, std::regex("^(__Host-)?sr_session=([^;]*)"));
    return Signed{cookie.size() > 2 ? std::string(cookie[0]) : "",
                  Parse(response.body)["csrf_token"].GetString()};
  };
  Signed leaving = sign_in();
  Signed staying = sign_in();
  ASSERT_FALSE(leaving.cookie.empty());
  SseClient stream(host.port());
  ASSERT_EQ(stream.Open("/events", "", {{"Cookie", leaving.cookie}}).status, 200);
  SseClient other(host.port());
  ASSERT_EQ(other.Open("/events", "", {{"Cookie", staying.cookie}}).status, 200);
  ASSERT_FALSE(stream.Read(3s, 1).empty());
  ASSERT_FALSE(other.Read(3s, 1).empty());

  auto out = Fetch(host.port(), "POST", "/logout", "",
                   {{"Cookie", leaving.cookie},
                    {"X-CSRF-Token", leaving.csrf},
                    {"Origin", "http://127.0.0.1:" + std::to_string(host.port())}});
  ASSERT_LT(out.status, 400) << out.body;
  auto signed_out = std::chrono::steady_clock::now();
  while (!stream.ended() && std::chrono::steady_clock::now() - signed_out < 1s) {
    stream.Read(50ms);
  }
  EXPECT_TRUE(stream.ended());
  EXPECT_TRUE(stream.client().WaitForClose(1s));
  // Reconnecting with the ended session is refused by the guard now.
  SseClient again(host.port());
  EXPECT_EQ(again.Open("/events", "", {{"Cookie", leaving.cookie}}).status, 401);
  EXPECT_FALSE(other.Read(1s, 2).empty());
  EXPECT_FALSE(other.ended());
  EXPECT_EQ(host.Stop(), 0);
}

}  // namespace
}  // namespace sr::dashboard
