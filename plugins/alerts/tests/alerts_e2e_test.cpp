// The alerts plugin in the real executable, posting to a receiver on a loopback port: each
// alert fires and resolves, spawners are batched, a failed delivery is retried, a firing
// alert is not sent twice, the rate limit holds messages back, the route's guard, and
// configuration errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http_client.h"
#include "test_host.h"
#include "webhook_receiver.h"

namespace sr::alerts::testing {
namespace {

using namespace std::chrono_literals;
using sr::test::Fetch;
using sr::test::HttpClient;
using sr::test::TempDir;
using sr::test::TestHost;

// Fast timings; every rule off unless a test turns it on.
std::string AlertsConfig(const WebhookReceiver& receiver, const std::string& more = "") {
  return "  - id: alerts\n"
         "    config:\n"
         "      source: e2e\n"
         "      check_interval: 100ms\n"
         "      batch_window: 400ms\n"
         "      retry: {initial: 200ms, max: 2s, attempts: 5}\n"
         "      webhooks:\n"
         "        - url: " +
         receiver.Url() +
         "\n"
         "          name: receiver\n"
         "      errors: {enabled: false}\n"
         "      disk: {enabled: false}\n" +
         more;
}

// `text` with `from` replaced by `to` (which must be there).
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string Yaml(const std::string& plugins) {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  missing_guards: allow\nplugins:\n" + plugins;
}

const std::string kTestKit =
    "  - id: alerts-test-kit\n    path: {{FIXTURE_DIR}}/alerts-test-kit.so\n";

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

// The posts about `alert` as parsed bodies.
std::vector<rapidjson::Document> About(const std::vector<ReceivedPost>& posts,
                                       const std::string& alert) {
  std::vector<rapidjson::Document> out;
  for (const ReceivedPost& post : posts) {
    rapidjson::Document body = Parse(post.body);
    if (body.IsObject() && body.HasMember("alert") && alert == body["alert"].GetString()) {
      out.push_back(std::move(body));
    }
  }
  return out;
}

std::string State(const rapidjson::Document& body) { return body["state"].GetString(); }

auto Count(const std::string& alert, const std::string& state, std::size_t n) {
  return [=](const std::vector<ReceivedPost>& posts) {
    std::size_t seen = 0;
    for (const auto& body : About(posts, alert)) seen += State(body) == state ? 1 : 0;
    return seen >= n;
  };
}

std::uint64_t Register(HttpClient& client, const std::string& region, int port, int current,
                       int max) {
  auto response = client.Post(
      "/api/spawners", R"({"region":")" + region + R"(","host":"127.0.0.1","port":)" +
                           std::to_string(port) + R"(,"max_instances":)" + std::to_string(max) +
                           R"(,"current_instances":)" + std::to_string(current) + "}");
  EXPECT_EQ(response.status, 201) << response.body;
  return Parse(response.body)["id"].GetUint64();
}

TEST(AlertsE2eTest, SilentSpawnersAreBatchedIntoOneSuspectAndOneExpiredMessage) {
  WebhookReceiver receiver;
  TestHost host(
      Yaml("  - id: spawner-registry\n    config:\n      ttl: 2s\n"
           "      suspect_after: 500ms\n      sweep_interval: 50ms\n" +
           AlertsConfig(receiver)));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  std::uint64_t alive = Register(client, "eu-west", 7000, 0, 10);
  for (int i = 1; i <= 3; ++i) Register(client, i == 3 ? "us-east" : "eu-west", 7000 + i, 0, 10);
  std::atomic<bool> stop{false};
  std::thread beats([&] {
    HttpClient beater(host.port());
    while (!stop) {
      beater.Post("/api/spawners/" + std::to_string(alive) + "/heartbeat", "{}");
      std::this_thread::sleep_for(100ms);
    }
  });

  // The suspect alert resolves once they expired; the expiry notice follows its batch window.
  ASSERT_TRUE(receiver.WaitFor(Count("spawners_suspect", "resolved", 1), 10s)) << host.Output();
  ASSERT_TRUE(receiver.WaitFor(Count("spawners_expired", "firing", 1), 5s));
  stop = true;
  beats.join();
  auto posts = receiver.Posts();
  auto suspect = About(posts, "spawners_suspect");
  ASSERT_EQ(suspect.size(), 2u);  // one firing for the three, then resolved
  EXPECT_EQ(State(suspect[0]), "firing");
  EXPECT_EQ(suspect[0]["details"]["count"].GetUint64(), 3u);
  EXPECT_EQ(suspect[0]["details"]["regions"]["eu-west"].GetUint64(), 2u);
  EXPECT_EQ(suspect[0]["details"]["regions"]["us-east"].GetUint64(), 1u);
  EXPECT_STREQ(suspect[0]["severity"].GetString(), "warning");
  EXPECT_STREQ(suspect[0]["source"].GetString(), "e2e");
  EXPECT_NE(std::string(suspect[0]["text"].GetString()).find("[FIRING] warning spawners_suspect"),
            std::string::npos);
  auto expired = About(posts, "spawners_expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]["details"]["count"].GetUint64(), 3u);
  EXPECT_EQ(expired[0]["details"]["spawners"].Size(), 3u);
  EXPECT_STREQ(expired[0]["details"]["spawners"][0]["host"].GetString(), "127.0.0.1");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, ARegionLowOnCapacityFiresAndResolves) {
  WebhookReceiver receiver;
  TestHost host(Yaml("  - id: spawner-registry\n" +
                     AlertsConfig(receiver, "      capacity:\n        min_free: 5\n")));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  std::uint64_t id = Register(client, "eu-west", 7001, 1, 10);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(About(receiver.Posts(), "region_capacity_low").empty());

  std::string heartbeat = "/api/spawners/" + std::to_string(id) + "/heartbeat";
  ASSERT_EQ(client.Post(heartbeat, R"({"current_instances":8})").status, 200);
  ASSERT_TRUE(receiver.WaitFor(Count("region_capacity_low", "firing", 1), 5s));
  ASSERT_EQ(client.Post(heartbeat, R"({"current_instances":2})").status, 200);
  ASSERT_TRUE(receiver.WaitFor(Count("region_capacity_low", "resolved", 1), 5s));

  auto posts = About(receiver.Posts(), "region_capacity_low");
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_STREQ(posts[0]["key"].GetString(), "region_capacity_low:eu-west");
  EXPECT_EQ(posts[0]["details"]["free"].GetUint64(), 2u);
  EXPECT_EQ(posts[0]["details"]["threshold"].GetUint64(), 5u);
  EXPECT_EQ(posts[1]["details"]["free"].GetUint64(), 8u);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, TheHttpErrorRateFiresOnlyForTheStatusesThatCountAndResolves) {
  WebhookReceiver receiver;
  std::string config =
      Replace(AlertsConfig(receiver), "errors: {enabled: false}",
              "errors: {max_percent: 50, min_requests: 10, window: 1s, min_status: 405}");
  TestHost host(Yaml(config));
  ASSERT_TRUE(host.Start()) << host.Output();
  HttpClient client(host.port());
  // 404 is below min_status: a flood of them is no alert.
  for (int i = 0; i < 30; ++i) ASSERT_EQ(client.Get("/nothing-here").status, 404);
  // Past the 1 s window, so that the next errors alone make the rate.
  std::this_thread::sleep_for(1200ms);
  EXPECT_TRUE(About(receiver.Posts(), "http_error_rate_high").empty());
  for (int i = 0; i < 30; ++i) ASSERT_EQ(client.Request("DELETE", "/health").status, 405);
  ASSERT_TRUE(receiver.WaitFor(Count("http_error_rate_high", "firing", 1), 5s)) << host.Output();
  // Once the window holds too few requests (or few errors), the alert resolves.
  ASSERT_TRUE(receiver.WaitFor(Count("http_error_rate_high", "resolved", 1), 5s));
  auto posts = About(receiver.Posts(), "http_error_rate_high");
  EXPECT_GE(posts[0]["details"]["errors"].GetUint64(), 10u);
  EXPECT_EQ(posts[0]["details"]["min_status"].GetInt(), 405);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, LowDiskFiresAndResolves) {
  // A tmpfs of its own keeps other processes' writes out of the figures.
  std::filesystem::path shm = "/dev/shm";
  struct statvfs space {};
  if (!std::filesystem::is_directory(shm) || ::statvfs(shm.c_str(), &space) != 0 ||
      static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize < (2ull << 30)) {
    GTEST_SKIP() << "needs /dev/shm with 2 GiB free";
  }
  std::filesystem::path folder = shm / ("alerts-e2e-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::uint64_t free_now = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
  std::uint64_t threshold = free_now - (256ull << 20);

  WebhookReceiver receiver;
  std::string config =
      Replace(AlertsConfig(receiver), "disk: {enabled: false}",
              "disk: {path: " + folder.string() + ", min_free: " + std::to_string(threshold) +
                  ", min_free_percent: 0}");
  TestHost host(Yaml(config));
  ASSERT_TRUE(host.Start()) << host.Output();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(About(receiver.Posts(), "disk_space_low").empty());

  std::filesystem::path filler = folder / "filler";
  int fd = ::open(filler.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  bool filled = ::posix_fallocate(fd, 0, 512ll << 20) == 0;
  ::close(fd);
  if (filled) {
    EXPECT_TRUE(receiver.WaitFor(Count("disk_space_low", "firing", 1), 5s)) << host.Output();
  }
  std::filesystem::remove(filler);
  if (!filled) std::filesystem::remove_all(folder);
  ASSERT_TRUE(filled) << "cannot allocate 512 MiB in /dev/shm";
  bool resolved = receiver.WaitFor(Count("disk_space_low", "resolved", 1), 5s);
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(resolved);
  auto posts = About(receiver.Posts(), "disk_space_low");
  EXPECT_STREQ(posts[0]["severity"].GetString(), "critical");
  EXPECT_LT(posts[0]["details"]["free_bytes"].GetUint64(), threshold);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, TheStoreAlertIsSentOnceWhileFiringThenResolved) {
  WebhookReceiver receiver;
  TestHost host(Yaml(kTestKit + AlertsConfig(receiver)));
  ASSERT_TRUE(host.Start()) << host.Output();
  ASSERT_EQ(Fetch(host.port(), "POST", "/test/store/down").status, 200);
  ASSERT_TRUE(receiver.WaitFor(Count("store_unavailable", "firing", 1), 5s)) << host.Output();
  std::this_thread::sleep_for(1s);  // ten more checks find it still down
  EXPECT_EQ(About(receiver.Posts(), "store_unavailable").size(), 1u);
  ASSERT_EQ(Fetch(host.port(), "POST", "/test/store/up").status, 200);
  ASSERT_TRUE(receiver.WaitFor(Count("store_unavailable", "resolved", 1), 5s));

  auto posts = About(receiver.Posts(), "store_unavailable");
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_STREQ(posts[0]["severity"].GetString(), "critical");
  EXPECT_NE(std::string(posts[0]["summary"].GetString()).find("switched off by the test"),
            std::string::npos);
  EXPECT_STREQ(posts[1]["since"].GetString(), posts[0]["time"].GetString());

  auto listed = Parse(Fetch(host.port(), "GET", "/api/alerts").body);
  EXPECT_EQ(listed["active"].Size(), 0u);
  ASSERT_EQ(listed["recent"].Size(), 2u);
  EXPECT_STREQ(listed["recent"][0]["state"].GetString(), "resolved");
  EXPECT_STREQ(listed["recent"][0]["deliveries"][0]["webhook"].GetString(), "receiver");
  EXPECT_STREQ(listed["recent"][0]["deliveries"][0]["state"].GetString(), "delivered");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, AFiringAlertIsRepeatedAfterTheRepeatInterval) {
  WebhookReceiver receiver;
  TestHost host(Yaml(kTestKit + AlertsConfig(receiver, "      repeat_interval: 500ms\n")));
  ASSERT_TRUE(host.Start()) << host.Output();
  ASSERT_EQ(Fetch(host.port(), "POST", "/test/store/down").status, 200);
  ASSERT_TRUE(receiver.WaitFor(Count("store_unavailable", "firing", 3), 5s));
  auto posts = About(receiver.Posts(), "store_unavailable");
  EXPECT_FALSE(posts[0]["repeat"].GetBool());
  EXPECT_TRUE(posts[1]["repeat"].GetBool());
  EXPECT_STREQ(posts[1]["since"].GetString(), posts[0]["since"].GetString());
  auto listed = Parse(Fetch(host.port(), "GET", "/api/alerts").body);
  ASSERT_EQ(listed["active"].Size(), 1u);
  EXPECT_STREQ(listed["active"][0]["alert"].GetString(), "store_unavailable");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, AFailedDeliveryIsRetriedWithBackoff) {
  WebhookReceiver receiver;
  receiver.Script({500, 503});
  TestHost host(Yaml(kTestKit + AlertsConfig(receiver)));
  ASSERT_TRUE(host.Start()) << host.Output();
  ASSERT_EQ(Fetch(host.port(), "POST", "/test/store/down").status, 200);
  ASSERT_TRUE(receiver.WaitFor([](const auto& posts) { return posts.size() >= 3; }, 5s));
  auto posts = receiver.Posts();
  EXPECT_EQ(posts[0].answered, 500);
  EXPECT_EQ(posts[1].answered, 503);
  EXPECT_EQ(posts[2].answered, 200);
  EXPECT_EQ(posts[0].body, posts[2].body);  // the same message, sent again
  EXPECT_GE(posts[1].at - posts[0].at, 190ms);
  EXPECT_GE(posts[2].at - posts[1].at, 390ms);  // backoff doubles

  auto delivered = [&] {
    auto listed = Parse(Fetch(host.port(), "GET", "/api/alerts").body);
    const auto& delivery = listed["recent"][0]["deliveries"][0];
    return std::string(delivery["state"].GetString()) == "delivered" &&
           delivery["attempts"].GetInt() == 3;
  };
  bool ok = false;
  for (int i = 0; i < 50 && !(ok = delivered()); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(ok);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, TheRateLimitHoldsMessagesBack) {
  WebhookReceiver receiver;
  std::string config =
      Replace(AlertsConfig(receiver), "          name: receiver\n",
              "          name: receiver\n          rate_limit: 1\n          rate_limit_per: 1s\n");
  TestHost host(Yaml(kTestKit + config));
  ASSERT_TRUE(host.Start()) << host.Output();
  // Down, up, down: three messages within half a second.
  for (const char* state : {"down", "up", "down"}) {
    ASSERT_EQ(Fetch(host.port(), "POST", std::string("/test/store/") + state).status, 200);
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_TRUE(receiver.WaitFor([](const auto& posts) { return posts.size() >= 3; }, 5s));
  auto posts = receiver.Posts();
  EXPECT_GE(posts[1].at - posts[0].at, 900ms);
  EXPECT_GE(posts[2].at - posts[1].at, 900ms);
  EXPECT_EQ(State(Parse(posts[1].body)), "resolved");
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, FailedAllocationsAreBatchedIntoOneNotice) {
  WebhookReceiver receiver;
  TestHost host(Yaml(kTestKit + AlertsConfig(receiver)));
  ASSERT_TRUE(host.Start()) << host.Output();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Fetch(host.port(), "POST", "/test/publish/allocation.failed",
                    R"({"region":"eu-west","error":"no free capacity","status":503})")
                  .status,
              200);
  }
  ASSERT_TRUE(receiver.WaitFor(Count("allocation_failed", "firing", 1), 5s));
  std::this_thread::sleep_for(500ms);
  auto posts = About(receiver.Posts(), "allocation_failed");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["details"]["count"].GetUint64(), 3u);
  EXPECT_EQ(posts[0]["details"]["regions"]["eu-west"].GetUint64(), 3u);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AlertsE2eTest, TheAlertListNeedsASignedInUserOrAnOperatorKey) {
  const std::string operator_key = "alerts-e2e-operator-key-0123456789";
  const std::string spawner_key = "alerts-e2e-spawner-key-0123456789";
  TestHost host(
      "server:\n  bind: 127.0.0.1\n  port: 0\nplugins:\n"
      "  - id: auth\n    config:\n      api_keys:\n"
      "        - {name: ops, key: \"" +
          operator_key + "\", role: operator}\n        - {name: fleet, key: \"" + spawner_key +
          "\", role: spawner}\n"
          "  - id: alerts\n    config: {errors: {enabled: false}, disk: {enabled: false}}\n",
      {{"ADMIN_PASSWORD", "alerts-e2e-admin-password"}});
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/alerts").status, 401);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/alerts", "", {{"X-API-Key", spawner_key}}).status, 403);
  auto ok = Fetch(host.port(), "GET", "/api/alerts", "", {{"X-API-Key", operator_key}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"active":[],"recent":[]})");
  EXPECT_EQ(
      Fetch(host.port(), "GET", "/api/alerts?limit=0", "", {{"X-API-Key", operator_key}}).status,
      400);
  EXPECT_EQ(host.Stop(), 0);
}

struct BadConfig {
  std::string config;
  std::string message;
};

TEST(AlertsE2eTest, ConfigurationErrorsNameTheKeyAndLine) {
  const std::vector<BadConfig> cases = {
      {"{webhooks: [{url: 'ftp://example.com/x'}]}",
       "key 'webhooks.0.url': only http:// and https:// webhooks are supported"},
      {"{webhooks: [{name: a}]}", "key 'webhooks.0.url': every webhook needs a url"},
      {"{webhooks: [{url: 'https://a.example/1'}, {url: 'https://a.example/2'}]}",
       "key 'webhooks.1.name': two webhooks are named 'https://a.example'"},
      {"{check_interval: 10s, errors: {window: 15s}}", "key 'errors.window': must be at least"},
      {"{retry: {initial: 10s, max: 1s}}", "key 'retry.max': must not be shorter"},
      {"{disk: {min_free: 0, min_free_percent: 0}}", "set disk.enabled: false instead"},
      {"{errors: {max_percent: 0}}", "errors.max_percent"},
      {"{capacity: {regions: {eu-west: -1}}}", "capacity.regions.eu-west"},
      {"{webhook: []}", "webhook"},
  };
  for (const BadConfig& bad : cases) {
    TempDir dir;
    std::ofstream(dir.path() / "plugins.yaml")
        << "server:\n  port: 0\nplugins:\n  - id: alerts\n    config: " << bad.config << "\n";
    auto result =
        TestHost::Run({"--check", "--config", (dir.path() / "plugins.yaml").string()}, dir);
    EXPECT_EQ(result.exit_code, 2) << bad.config << "\n" << result.output;
    EXPECT_NE(result.output.find("plugins.yaml:5:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(bad.message), std::string::npos) << result.output;
  }
}

}  // namespace
}  // namespace sr::alerts::testing
