// sr::testing::FakeHost, used the way a plugin author would: small plugins written with the
// SDK (and one against the bare C ABI) are loaded into a fake host and driven through it.
// Compiled as C++17, the SDK's own standard.
#include <sr/testing/fake_host.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.h"

namespace {

using namespace std::chrono_literals;
using sr::testing::FakeHost;
using sr::testing::FakeResponse;

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

std::string Text(const rapidjson::Document& document, const char* key) {
  return document.HasMember(key) && document[key].IsString() ? document[key].GetString() : "?";
}

int64_t Number(const rapidjson::Document& document, const char* key) {
  return document.HasMember(key) && document[key].IsInt64() ? document[key].GetInt64() : -1;
}

// ---------------------------------------------------------------------------------------
// Test plugins
// ---------------------------------------------------------------------------------------

// Reads one key of every type and reports what it read on GET /config.
class ConfiguredPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"configured", "1.0.0", "reads every config type"}; }

  void Init(sr::Host& host) override {
    sr::Config& config = host.config();
    std::string name = config.String("name", "anon");
    int64_t max_items = config.Int("max_items", 10, 1, 100);
    bool verbose = config.Bool("verbose", false);
    int64_t poll_ms = config.Duration("poll", 1s).count();
    uint64_t max_upload = config.Bytes("max_upload", 1024);
    std::string storage = config.Path("storage", "default-store");
    bool has_tls = config.Has("tls");
    std::string cert = config.String("tls.cert", "none");
    std::string keys;
    for (size_t i = 0; i < config.ArrayLength("keys"); ++i) {
      keys += config.String("keys." + std::to_string(i) + ".name") + ";";
    }
    std::string json = std::string(config.Json());
    config.Finish();
    report_ = "{\"name\":" + sr::JsonString(name) + ",\"max_items\":" + std::to_string(max_items) +
              ",\"verbose\":" + (verbose ? "true" : "false") +
              ",\"poll_ms\":" + std::to_string(poll_ms) +
              ",\"max_upload\":" + std::to_string(max_upload) +
              ",\"storage\":" + sr::JsonString(storage) +
              ",\"has_tls\":" + (has_tls ? "true" : "false") + ",\"cert\":" + sr::JsonString(cert) +
              ",\"keys\":" + sr::JsonString(keys) + ",\"json\":" + sr::JsonString(json) + "}";
    host.Route("GET", "/config", "public",
               [this](sr::Request&, sr::Response& response) { response.Json(200, report_); });
  }

 private:
  std::string report_;
};

// Provides the "api-key" guard: X-Api-Key "secret" lets in, any other key is denied.
class KeyGuardPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"key-guard", "1.0.0", "a guard plugin"};
    info.provides = {sr::GuardCapability("api-key")};
    return info;
  }
  void Init(sr::Host& host) override {
    host.RegisterGuard(
        "api-key", [](sr::Request& request, sr::Response&, std::string_view argument) -> int32_t {
          auto key = request.Header("X-Api-Key");
          if (!key) return SR_GUARD_ABSTAIN;
          if (*key != "secret") return SR_GUARD_DENY;
          request.SetAttribute("user", "robot");
          request.SetAttribute("role",
                               argument.empty() ? std::string("spawner") : std::string(argument));
          return SR_GUARD_ALLOW;
        });
  }
};

// A service vtable shared by the shop and the test, which injects a fake provider.
struct GreeterV1 {
  uint32_t struct_size;
  uint32_t reserved;
  const char* (*greeting)(void);
};

// Routes with parameters, a guarded route, deferred responses, a periodic and a one-shot
// task, a subscription, an event stream, a service and the host's statistics.
class ShopPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"shop", "1.0.0", "fake-host test plugin"};
    info.uses = {sr::Service("greeter", 1)};
    return info;
  }

  void Init(sr::Host& host) override {
    host_ = &host;
    poll_ = host.config().Duration("poll", 5s, 1ms);
    host.config().Finish();
    host.Info("shop ready");
    feed_ = host.CreateStreamGroup("feed");
    AddItemRoutes(host);
    AddDeferredRoutes(host);
    AddFeedRoutes(host);
    AddHostRoutes(host);
    tick_ = host.Every("tick", poll_, [this] {
      int ticks = ++ticks_;
      host_->Publish("shop.tick", "{\"ticks\":" + std::to_string(ticks) + "}");
    });
    host.Run(
        "warm-up", [this] { warmed_ = true; }, 1s);
    inventory_ =
        host.Subscribe("inventory.*", [this](std::string_view topic, std::string_view payload) {
          std::lock_guard<std::mutex> lock(mutex_);
          last_inventory_ = std::string(topic) + " " + std::string(payload);
        });
    http_errors_ = host.Subscribe(
        "http.error", [this](std::string_view, std::string_view) { ++http_error_events_; });
  }

  void Stop() override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& worker : workers_) worker.join();
    workers_.clear();
  }

 private:
  void AddItemRoutes(sr::Host& host) {
    host.Route("GET", "/items/{id}", "public", [](sr::Request& request, sr::Response& response) {
      response.Json(200,
                    "{\"id\":" + sr::JsonString(*request.PathParam("id")) +
                        ",\"q\":" + sr::JsonString(request.QueryParam("q").value_or("")) +
                        ",\"sid\":" + sr::JsonString(request.Cookie("sid").value_or("")) +
                        ",\"agent\":" + sr::JsonString(request.Header("user-agent").value_or("")) +
                        ",\"method\":" + sr::JsonString(request.Method()) +
                        ",\"path\":" + sr::JsonString(request.Path()) + "}");
    });
    host.Route("GET", "/items/special", "public", [](sr::Request&, sr::Response& response) {
      response.Json(200, "{\"special\":true}");
    });
    host.Route("GET", "/files/{rest*}", "public", [](sr::Request& request, sr::Response& response) {
      response.Json(200, "{\"rest\":" + sr::JsonString(*request.PathParam("rest")) + "}");
    });
    sr::RouteOptions small_body;
    small_body.max_body_bytes = 16;
    host.Route(
        "POST", "/items", "api-key:operator",
        [](sr::Request& request, sr::Response& response) {
          response.Json(201,
                        "{\"user\":" + sr::JsonString(request.Attribute("user").value_or("")) +
                            ",\"role\":" + sr::JsonString(request.Attribute("role").value_or("")) +
                            ",\"body\":" + sr::JsonString(request.Body()) + "}");
        },
        small_body);
    host.Route("GET", "/boom", "public",
               [](sr::Request&, sr::Response&) { throw std::runtime_error("kaboom"); });
  }

  void AddDeferredRoutes(sr::Host& host) {
    host.Route("GET", "/slow", "public", [this](sr::Request& request, sr::Response& response) {
      auto deferred = host_->Defer(request, response);
      std::lock_guard<std::mutex> lock(mutex_);
      workers_.emplace_back([deferred] {
        std::this_thread::sleep_for(20ms);
        deferred->response().Json(200, "{\"done\":true}");
        deferred->Complete();
      });
    });
    // Deferred, then dropped: the SDK completes it with a 500 rather than hang the client.
    host.Route("GET", "/abandon", "public", [this](sr::Request& request, sr::Response& response) {
      host_->Defer(request, response);
    });
    host.Route("GET", "/park", "public", [this](sr::Request& request, sr::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      parked_ = host_->Defer(request, response);
    });
    host.Route("POST", "/unpark", "public", [this](sr::Request&, sr::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      parked_->response().Json(200, "{}");
      parked_->Complete();
      parked_.reset();
      response.Json(200, "{\"unparked\":true}");
    });
  }

  void AddFeedRoutes(sr::Host& host) {
    host.Route("GET", "/feed", "public", [this](sr::Request& request, sr::Response& response) {
      response.AddHeader("X-Feed", "shop");
      sr::Stream stream = feed_.Open(request, response);
      stream.Send("hello", "welcome");
    });
    host.Route("POST", "/feed", "public", [this](sr::Request& request, sr::Response& response) {
      uint64_t id = feed_.Broadcast("item", request.Body());
      response.Json(200, "{\"id\":" + std::to_string(id) + "}");
    });
    host.Route("GET", "/feed/once", "public", [this](sr::Request& request, sr::Response& response) {
      // Greets and ends the stream at once: Close succeeds once, then reports it is gone.
      sr::Stream stream = feed_.Open(request, response);
      stream.Send("hello", "bye");
      bool first = stream.Close();
      bool second = stream.Close();
      bool sent_after = stream.Send("late", "never");
      host_->Info(std::string("close ") + (first ? "ok" : "failed") + ", again " +
                  (second ? "ok" : "closed") + ", send after " + (sent_after ? "ok" : "closed"));
    });
    host.Route("GET", "/feed/clients", "public", [this](sr::Request&, sr::Response& response) {
      response.Json(200, "{\"clients\":" + std::to_string(feed_.Clients()) + "}");
    });
  }

  void AddHostRoutes(sr::Host& host) {
    host.Route("GET", "/state", "public", [this](sr::Request&, sr::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      response.Json(200, "{\"ticks\":" + std::to_string(ticks_.load()) +
                             ",\"http_errors\":" + std::to_string(http_error_events_.load()) +
                             ",\"warmed\":" + (warmed_ ? "true" : "false") +
                             ",\"inventory\":" + sr::JsonString(last_inventory_) + "}");
    });
    host.Route("GET", "/greet", "public", [this](sr::Request& request, sr::Response& response) {
      uint32_t version = request.QueryParam("v") == std::optional<std::string_view>("2") ? 2 : 1;
      const auto* greeter = host_->Lookup<GreeterV1>("greeter", version);
      if (greeter == nullptr) return response.Error(503, "no greeter");
      response.Text(200, greeter->greeting());
    });
    host.Route("GET", "/undeclared", "public", [this](sr::Request&, sr::Response& response) {
      bool found = host_->Lookup<GreeterV1>("kv-store", 1) != nullptr;
      response.Json(200, found ? "true" : "false");
    });
    host.Route("GET", "/stats", "public", [this](sr::Request&, sr::Response& response) {
      sr_host_stats stats = host_->Stats();
      std::string messages;
      for (const auto& entry : host_->Errors(0, 10, true)) messages += entry.message + ";";
      response.Json(200, "{\"requests\":" + std::to_string(stats.total_requests) +
                             ",\"errors\":" + sr::JsonString(messages) +
                             ",\"data_dir\":" + sr::JsonString(host_->DataDir()) + "}");
    });
  }

  sr::Host* host_ = nullptr;
  std::chrono::milliseconds poll_{0};
  sr::StreamGroup feed_;
  sr::Task tick_;
  sr::Subscription inventory_;
  sr::Subscription http_errors_;
  std::atomic<int> http_error_events_{0};
  std::atomic<int> ticks_{0};
  std::mutex mutex_;
  bool warmed_ = false;
  std::string last_inventory_;
  std::vector<std::thread> workers_;
  std::shared_ptr<sr::DeferredResponse> parked_;
};

// Written against the bare C ABI (no SDK), to reach what the SDK does not wrap.
struct RawPlugin {
  const sr_host_api* api = nullptr;
  sr_host* host = nullptr;
  std::string file;
  std::atomic<int> released{0};
  std::atomic<int> last_fd{-1};

  static sr_status Init(sr_host* host, const sr_host_api* api, void** instance) {
    auto plugin = std::make_unique<RawPlugin>();
    plugin->api = api;
    plugin->host = host;
    sr_str file{nullptr, 0};
    if (api->config_get_string(host, SR_LIT("file"), SR_LIT(""), &file) != SR_OK ||
        api->config_finish(host) != SR_OK) {
      return SR_ERR_INVALID_ARGUMENT;
    }
    plugin->file = sr::View(file);
    for (auto [pattern, handler] :
         {std::pair{"/raw/table", &RawPlugin::Table}, std::pair{"/raw/echo", &RawPlugin::Echo},
          std::pair{"/raw/shared", &RawPlugin::Shared}, std::pair{"/raw/file", &RawPlugin::File},
          std::pair{"/raw/released", &RawPlugin::Released},
          std::pair{"/raw/fd", &RawPlugin::LastFd}}) {
      sr_route route{};
      route.struct_size = sizeof(route);
      route.method = SR_LIT("GET");
      route.pattern = sr::ToStr(pattern);
      route.guard = SR_LIT("public");
      route.handler = handler;
      route.ctx = plugin.get();
      if (api->route_add(host, &route) != SR_OK) return SR_ERR_INTERNAL;
    }
    *instance = plugin.release();
    return SR_OK;
  }
  static void Destroy(void* instance) {
    std::unique_ptr<RawPlugin> owned(static_cast<RawPlugin*>(instance));
  }

  // Counts the table's entries that are set, from the first function to the last.
  static sr_status Table(void* ctx, sr_request*, sr_response* response) {
    const auto* self = static_cast<RawPlugin*>(ctx);
    size_t first = offsetof(sr_host_api, host_version);
    size_t entries = (self->api->struct_size - first) / sizeof(void (*)());
    size_t set = 0;
    for (size_t i = 0; i < entries; ++i) {
      void (*entry)() = nullptr;
      std::memcpy(&entry, reinterpret_cast<const char*>(self->api) + first + i * sizeof(entry),
                  sizeof(entry));
      if (entry != nullptr) ++set;
    }
    std::string body = std::to_string(set) + "/" + std::to_string(entries);
    self->api->response_set_body(response, sr::ToStr(body), SR_LIT("text/plain"));
    return SR_OK;
  }
  static sr_status Echo(void* ctx, sr_request* request, sr_response* response) {
    const sr_host_api* api = static_cast<RawPlugin*>(ctx)->api;
    std::string body = std::string(sr::View(api->request_client_ip(request))) +
                       (api->request_is_secure(request) != 0 ? " tls" : " plain") + " " +
                       std::string(sr::View(api->request_query(request)));
    sr_str name{nullptr, 0};
    sr_str value{nullptr, 0};
    for (size_t i = 0; api->request_header_at(request, i, &name, &value) != 0; ++i) {
      body += " " + std::string(sr::View(name)) + "=" + std::string(sr::View(value));
    }
    api->response_set_body(response, sr::ToStr(body), SR_LIT("text/plain"));
    return api->response_add_header(response, SR_LIT("Content-Length"), SR_LIT("1")) ==
                   SR_ERR_INVALID_ARGUMENT
               ? SR_OK
               : SR_ERR_INTERNAL;
  }
  static sr_status Shared(void* ctx, sr_request*, sr_response* response) {
    static const char kBytes[] = "shared bytes";
    auto* self = static_cast<RawPlugin*>(ctx);
    self->api->response_set_body_shared(
        response, SR_LIT(kBytes), SR_LIT("text/plain"),
        [](void* release_ctx) { ++static_cast<RawPlugin*>(release_ctx)->released; }, self);
    return SR_OK;
  }
  static sr_status Released(void* ctx, sr_request*, sr_response* response) {
    auto* self = static_cast<RawPlugin*>(ctx);
    std::string count = std::to_string(self->released.load());
    self->api->response_set_body(response, sr::ToStr(count), SR_LIT("text/plain"));
    return SR_OK;
  }
  static sr_status LastFd(void* ctx, sr_request*, sr_response* response) {
    auto* self = static_cast<RawPlugin*>(ctx);
    std::string fd = std::to_string(self->last_fd.load());
    self->api->response_set_body(response, sr::ToStr(fd), SR_LIT("text/plain"));
    return SR_OK;
  }
  static sr_status File(void* ctx, sr_request*, sr_response* response) {
    auto* self = static_cast<RawPlugin*>(ctx);
    int fd = ::open(self->file.c_str(), O_RDONLY | O_CLOEXEC);
    self->last_fd = fd;
    return self->api->response_send_file(response, fd, 2, 5, SR_LIT("text/plain"));
  }
};

const sr_plugin_descriptor* RawDescriptor() {
  static const sr_plugin_descriptor descriptor = {sizeof(sr_plugin_descriptor),
                                                  SR_ABI_MAJOR,
                                                  SR_ABI_MINOR,
                                                  "raw",
                                                  "1.0.0",
                                                  "bare C ABI",
                                                  nullptr,
                                                  0,
                                                  nullptr,
                                                  0,
                                                  nullptr,
                                                  0,
                                                  &RawPlugin::Init,
                                                  nullptr,
                                                  nullptr,
                                                  &RawPlugin::Destroy};
  return &descriptor;
}

// A started host with the shop and the key guard loaded.
class ShopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.SetDataDir(data_.path() / "data");
    ASSERT_TRUE(host_.Load(sr::detail::DescriptorFor<KeyGuardPlugin>()).ok());
    auto loaded = host_.Load(sr::detail::DescriptorFor<ShopPlugin>(), R"({"poll": "5s"})");
    ASSERT_TRUE(loaded.ok()) << loaded.error;
    auto started = host_.Start();
    ASSERT_TRUE(started.ok()) << started.error;
  }

  sr::test::TempDir data_;
  FakeHost host_;
};

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

TEST(FakeHostConfig, ReadsEveryTypeWithDottedKeys) {
  sr::test::TempDir base;
  FakeHost host(R"({"name": "shop", "max_items": 42, "verbose": true, "poll": "250ms",
                    "max_upload": "64KiB", "storage": "var/../store", "tls": {"cert": "/c.pem"},
                    "keys": [{"name": "a"}, {"name": "b"}]})");
  host.SetConfigBaseDir(base.path());
  auto loaded = host.Load(sr::detail::DescriptorFor<ConfiguredPlugin>());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  ASSERT_TRUE(host.Start().ok());
  auto config = ParseJson(host.Call("GET", "/config").body);
  EXPECT_EQ(Text(config, "name"), "shop");
  EXPECT_EQ(Number(config, "max_items"), 42);
  EXPECT_TRUE(config["verbose"].GetBool());
  EXPECT_EQ(Number(config, "poll_ms"), 250);
  EXPECT_EQ(Number(config, "max_upload"), 64 * 1024);
  EXPECT_EQ(Text(config, "storage"), (base.path() / "store").string());
  EXPECT_TRUE(config["has_tls"].GetBool());
  EXPECT_EQ(Text(config, "cert"), "/c.pem");
  EXPECT_EQ(Text(config, "keys"), "a;b;");
  auto json = ParseJson(Text(config, "json"));
  EXPECT_EQ(json["keys"][1]["name"].GetString(), std::string("b"));
}

TEST(FakeHostConfig, DurationsAndSizesAcceptUnitsAndNumbers) {
  struct Case {
    const char* json;
    const char* field;
    int64_t expected;
  };
  const Case cases[] = {{R"({"poll": 5})", "poll_ms", 5000},
                        {R"({"poll": 1.5})", "poll_ms", 1500},
                        {R"({"poll": "2m"})", "poll_ms", 120000},
                        {R"({"poll": "1h"})", "poll_ms", 3600000},
                        {R"({"max_upload": "8MiB"})", "max_upload", 8 << 20},
                        {R"({"max_upload": "10MB"})", "max_upload", 10000000},
                        {R"({"max_upload": 2048})", "max_upload", 2048}};
  for (const Case& test_case : cases) {
    FakeHost host(test_case.json);
    ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<ConfiguredPlugin>()).ok()) << test_case.json;
    ASSERT_TRUE(host.Start().ok());
    auto config = ParseJson(host.Call("GET", "/config").body);
    EXPECT_EQ(Number(config, test_case.field), test_case.expected) << test_case.json;
  }
}

TEST(FakeHostConfig, BadValuesFailInitNamingTheKey) {
  struct Case {
    const char* json;
    const char* key;
    const char* problem;
  };
  const Case cases[] = {{R"({"max_items": 500})", "'max_items'", "between 1 and 100"},
                        {R"({"max_items": "many"})", "'max_items'", "must be an integer"},
                        {R"({"verbose": "yes"})", "'verbose'", "true or false"},
                        {R"({"poll": "soon"})", "'poll'", "must be a duration"},
                        {R"({"max_upload": -1})", "'max_upload'", "must be a size"},
                        {R"({"keys": {"name": "a"}})", "'keys'", "must be a list"},
                        {R"({"tls": {"crt": "/c.pem"}})", "'tls.crt'", "not a known setting"},
                        {R"({"nmae": "x"})", "'nmae'", "not a known setting"}};
  for (const Case& test_case : cases) {
    FakeHost host(test_case.json);
    auto loaded = host.Load(sr::detail::DescriptorFor<ConfiguredPlugin>());
    EXPECT_EQ(loaded.status, SR_ERR_INVALID_ARGUMENT) << test_case.json;
    EXPECT_NE(loaded.error.find("plugin 'configured'"), std::string::npos) << loaded.error;
    EXPECT_NE(loaded.error.find(test_case.key), std::string::npos) << loaded.error;
    EXPECT_NE(loaded.error.find(test_case.problem), std::string::npos) << loaded.error;
    // A plugin whose init failed leaves nothing behind.
    ASSERT_TRUE(host.Start().ok());
    EXPECT_EQ(host.Call("GET", "/config").status, 404);
  }
}

TEST(FakeHostRoutes, TwoPluginsClaimingOneRouteIsAnErrorNamingBoth) {
  struct Copycat final : sr::Plugin {
    static sr::PluginInfo Info() { return {"copycat", "1.0.0", "claims the shop's route"}; }
    void Init(sr::Host& host) override {
      host.Route("GET", "/items/{sku}", "public", [](sr::Request&, sr::Response&) {});
    }
  };
  FakeHost host;
  host.SetMissingGuards(FakeHost::AllowAllGuards());
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<ShopPlugin>()).ok());
  auto loaded = host.Load(sr::detail::DescriptorFor<Copycat>());
  EXPECT_EQ(loaded.status, SR_ERR_ALREADY_EXISTS);
  EXPECT_NE(
      loaded.error.find("claimed by both plugin 'shop' (as /items/{id}) and plugin 'copycat'"),
      std::string::npos)
      << loaded.error;
}

TEST(FakeHostConfig, RefusesWhatTheLoaderRefuses) {
  FakeHost host;
  sr_plugin_descriptor newer = *sr::detail::DescriptorFor<ConfiguredPlugin>();
  newer.abi_minor = SR_ABI_MINOR + 1;
  EXPECT_EQ(host.Load(&newer).status, SR_ERR_UNSUPPORTED);
  EXPECT_EQ(host.Load(sr::detail::DescriptorFor<ConfiguredPlugin>(), "[1]").status,
            SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(host.Load(sr::detail::DescriptorFor<ShopPlugin>(), "{not json").status,
            SR_ERR_INVALID_ARGUMENT);
}

// ---------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------

TEST_F(ShopTest, RoutesFillPathQueryCookieAndHeaders) {
  FakeResponse response =
      host_.Call("GET", "/items/a%20b?q=red+shoes&x=%41", "",
                 {{"Cookie", "theme=dark; sid=\"abc\""}, {"User-Agent", "t/1"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  auto item = ParseJson(response.body);
  EXPECT_EQ(Text(item, "id"), "a b");
  EXPECT_EQ(Text(item, "q"), "red shoes");
  EXPECT_EQ(Text(item, "sid"), "abc");
  EXPECT_EQ(Text(item, "agent"), "t/1");
  EXPECT_EQ(Text(item, "path"), "/items/a b");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/items/7", "", {}, "q=x").body), "q"), "x");
}

TEST_F(ShopTest, MatchingFollowsTheHostsPrecedence) {
  EXPECT_EQ(host_.Call("GET", "/items/special").body, "{\"special\":true}");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/files/css/site.css").body), "rest"), "css/site.css");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/files").body), "rest"), "");
  FakeResponse head = host_.Call("HEAD", "/items/7");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/items/7").body), "method"), "GET");
}

TEST_F(ShopTest, UnknownRoutesAnswerJsonErrorsAndAreLogged) {
  FakeResponse missing = host_.Call("GET", "/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Text(ParseJson(missing.body), "error"), "no route for GET /nothing");
  FakeResponse wrong_method = host_.Call("DELETE", "/items/7");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET, HEAD");
  auto errors = host_.ErrorLog();
  ASSERT_EQ(errors.size(), 2u);
  // Like the host, each entry is also published as "http.error".
  EXPECT_EQ(Number(ParseJson(host_.Call("GET", "/state").body), "http_errors"), 2);
  EXPECT_EQ(errors[0].status, 404);
  EXPECT_EQ(errors[0].path, "/nothing");
  EXPECT_EQ(errors[0].sequence, 1u);
  EXPECT_EQ(errors[1].status, 405);
}

TEST_F(ShopTest, ThrowingHandlerGives500ThroughTheSdkBarrier) {
  FakeResponse response = host_.Call("GET", "/boom");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(Text(ParseJson(response.body), "error"), "internal error");
  bool logged = false;
  for (const auto& line : host_.Logs()) {
    logged |= line.plugin_id == "shop" && line.level == SR_LOG_ERROR &&
              line.message.find("kaboom") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  EXPECT_EQ(host_.ErrorLog().back().message, "internal error");
}

TEST_F(ShopTest, DeferredResponseCompletedFromAnotherThread) {
  FakeResponse response = host_.Call("GET", "/slow");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"done\":true}");
  FakeResponse abandoned = host_.Call("GET", "/abandon");
  EXPECT_EQ(abandoned.status, 500);
  EXPECT_EQ(abandoned.error_message, "the request was abandoned");
}

TEST_F(ShopTest, DeferredResponseNeverCompletedTimesOut) {
  host_.SetDeferTimeout(30ms);
  EXPECT_EQ(host_.Call("GET", "/park").status, 504);
  // Completing it later is still safe: the fake host kept the request alive.
  EXPECT_EQ(host_.Call("POST", "/unpark").status, 200);
}

// ---------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------

TEST_F(ShopTest, GuardFromAPluginDecides) {
  FakeResponse allowed = host_.Call("POST", "/items", "new", {{"X-Api-Key", "secret"}});
  ASSERT_EQ(allowed.status, 201) << allowed.body;
  auto created = ParseJson(allowed.body);
  EXPECT_EQ(Text(created, "user"), "robot");
  EXPECT_EQ(Text(created, "role"), "operator");
  EXPECT_EQ(Text(created, "body"), "new");
  FakeResponse denied = host_.Call("POST", "/items", "new", {{"X-Api-Key", "wrong"}});
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(Text(ParseJson(denied.body), "error"), "authentication required");
  EXPECT_EQ(host_.Call("POST", "/items", "new").status, 401);
  EXPECT_EQ(host_.Call("POST", "/items", std::string(17, 'x'), {{"X-Api-Key", "secret"}}).status,
            413);
}

TEST(FakeHostGuards, MissingGuardsRefuseStartUnlessAStandInIsChosen) {
  FakeHost refusing;
  ASSERT_TRUE(refusing.Load(sr::detail::DescriptorFor<ShopPlugin>()).ok());
  auto started = refusing.Start();
  EXPECT_EQ(started.status, SR_ERR_FAILED_PRECONDITION);
  EXPECT_NE(started.error.find("guard 'api-key'"), std::string::npos) << started.error;

  FakeHost allowing;
  allowing.SetMissingGuards(FakeHost::AllowAllGuards({{"user", "ann"}, {"role", "admin"}}));
  ASSERT_TRUE(allowing.Load(sr::detail::DescriptorFor<ShopPlugin>()).ok());
  ASSERT_TRUE(allowing.Start().ok());
  auto created = ParseJson(allowing.Call("POST", "/items", "x").body);
  EXPECT_EQ(Text(created, "user"), "ann");
  EXPECT_EQ(Text(created, "role"), "admin");

  FakeHost denying;
  denying.SetMissingGuards(FakeHost::DenyMissingGuards());
  ASSERT_TRUE(denying.Load(sr::detail::DescriptorFor<ShopPlugin>()).ok());
  ASSERT_TRUE(denying.Start().ok());
  EXPECT_EQ(denying.Call("POST", "/items", "x").status, 503);
  EXPECT_EQ(denying.Call("GET", "/items/1").status, 200);
}

// ---------------------------------------------------------------------------------------
// Tasks and events
// ---------------------------------------------------------------------------------------

TEST_F(ShopTest, PeriodicTaskRunsOncePerPeriodOfFakeTime) {
  EXPECT_EQ(host_.RunDueTasks(999ms), 0u);
  EXPECT_EQ(host_.RunDueTasks(1ms), 1u);  // the one-shot warm-up, due after 1 s
  EXPECT_EQ(host_.PendingTasks(), 1u);    // ...and freed once it has run
  EXPECT_EQ(host_.RunDueTasks(3999ms), 0u);
  EXPECT_EQ(host_.RunDueTasks(1ms), 1u);  // first tick at 5 s
  EXPECT_EQ(host_.RunDueTasks(15s), 3u);  // 10 s, 15 s, 20 s
  EXPECT_EQ(host_.Now(), 20s);
  auto state = ParseJson(host_.Call("GET", "/state").body);
  EXPECT_EQ(Number(state, "ticks"), 4);
  EXPECT_TRUE(state["warmed"].GetBool());
  auto published = host_.Published();
  ASSERT_EQ(published.size(), 4u);
  EXPECT_EQ(published.back().plugin_id, "shop");
  EXPECT_EQ(published.back().topic, "shop.tick");
  EXPECT_EQ(published.back().payload, "{\"ticks\":4}");
}

TEST_F(ShopTest, RunAllTasksOnceIgnoresDueTimes) {
  EXPECT_EQ(host_.RunAllTasksOnce(), 2u);
  EXPECT_EQ(host_.RunAllTasksOnce(), 1u);  // the one-shot is gone
  EXPECT_EQ(host_.RunDueTasks(4999ms), 0u);
  EXPECT_EQ(host_.RunDueTasks(1ms), 1u);
}

TEST_F(ShopTest, StopCancelsTasksAndSubscriptions) {
  host_.Stop();
  EXPECT_EQ(host_.PendingTasks(), 0u);
  EXPECT_EQ(host_.RunDueTasks(1h), 0u);
  host_.Deliver("inventory.added", "{}");
  EXPECT_EQ(host_.Call("GET", "/state").status, 503);  // stopped: nothing answers
}

TEST_F(ShopTest, SubscriberSeesDeliveredEventsMatchingItsPrefix) {
  host_.Deliver("inventory.added", "{\"sku\":1}");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/state").body), "inventory"),
            "inventory.added {\"sku\":1}");
  host_.Deliver("inventory", "{}");
  host_.Deliver("inventoryx.added", "{}");
  EXPECT_EQ(Text(ParseJson(host_.Call("GET", "/state").body), "inventory"),
            "inventory.added {\"sku\":1}");
  EXPECT_TRUE(host_.Published().empty());  // delivered, not published by a plugin
}

// ---------------------------------------------------------------------------------------
// Streams, services, statistics
// ---------------------------------------------------------------------------------------

TEST_F(ShopTest, StreamClientsReceiveSendsAndBroadcasts) {
  FakeResponse opened = host_.Call("GET", "/feed");
  ASSERT_EQ(opened.status, 200);
  ASSERT_NE(opened.stream, nullptr);
  EXPECT_EQ(opened.content_type, "text/event-stream; charset=utf-8");
  EXPECT_EQ(opened.Header("X-Feed"), "shop");
  EXPECT_EQ(Number(ParseJson(host_.Call("GET", "/feed/clients").body), "clients"), 1);
  EXPECT_EQ(Number(ParseJson(host_.Call("POST", "/feed", "first").body), "id"), 1);
  EXPECT_EQ(Number(ParseJson(host_.Call("POST", "/feed", "second").body), "id"), 2);
  auto events = opened.stream->Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event, "hello");
  EXPECT_EQ(events[0].id, 0u);
  EXPECT_EQ(events[2].data, "second");
  ASSERT_EQ(host_.Broadcasts("feed").size(), 2u);
  EXPECT_EQ(host_.Broadcasts("feed")[0].event, "item");

  FakeResponse resumed = host_.Call("GET", "/feed", "", {{"Last-Event-ID", "1"}});
  auto replayed = resumed.stream->Events();
  ASSERT_EQ(replayed.size(), 2u);  // event 2, then the greeting
  EXPECT_EQ(replayed[0].data, "second");

  opened.stream->Disconnect();
  resumed.stream->Disconnect();
  EXPECT_EQ(Number(ParseJson(host_.Call("GET", "/feed/clients").body), "clients"), 0);
  EXPECT_EQ(host_.StreamClients("feed").size(), 2u);
}

TEST_F(ShopTest, StreamCloseEndsTheStreamOnce) {
  FakeResponse opened = host_.Call("GET", "/feed/once");
  ASSERT_EQ(opened.status, 200);
  ASSERT_NE(opened.stream, nullptr);
  EXPECT_TRUE(opened.stream->closed_by_plugin());
  EXPECT_FALSE(opened.stream->connected());
  ASSERT_EQ(opened.stream->Events().size(), 1u);  // the greeting, nothing after the close
  EXPECT_EQ(opened.stream->Events()[0].data, "bye");
  EXPECT_EQ(host_.Logs().back().message, "close ok, again closed, send after closed");
  EXPECT_EQ(Number(ParseJson(host_.Call("GET", "/feed/clients").body), "clients"), 0);
  host_.Call("POST", "/feed", "later");
  EXPECT_EQ(opened.stream->Events().size(), 1u);
}

const char* Hello() { return "hello from a fake greeter"; }

TEST_F(ShopTest, ServicesInjectedByTheTestAreFoundWithVersionChecks) {
  EXPECT_EQ(host_.Call("GET", "/greet").status, 503);
  static const GreeterV1 kGreeter{sizeof(GreeterV1), 0, &Hello};
  host_.ProvideService("greeter", 1, &kGreeter);
  EXPECT_EQ(host_.Call("GET", "/greet").body, "hello from a fake greeter");
  EXPECT_EQ(host_.Call("GET", "/greet?v=2").status, 503);   // only version 1 is there
  EXPECT_EQ(host_.Call("GET", "/undeclared").status, 500);  // not in `uses`: refused
}

TEST(FakeHostServices, RequiredServiceMustBeProvidedBeforeLoad) {
  struct Needy final : sr::Plugin {
    static sr::PluginInfo Info() {
      sr::PluginInfo info{"needy", "1.0.0", "requires a greeter"};
      info.required = {sr::Service("greeter", 1)};
      return info;
    }
    void Init(sr::Host&) override {}
  };
  FakeHost host;
  EXPECT_EQ(host.Load(sr::detail::DescriptorFor<Needy>()).status, SR_ERR_NOT_FOUND);
  static const GreeterV1 kGreeter{sizeof(GreeterV1), 0, &Hello};
  host.ProvideService("greeter", 1, &kGreeter);
  EXPECT_TRUE(host.Load(sr::detail::DescriptorFor<Needy>()).ok());
}

TEST_F(ShopTest, StatsErrorLogDataDirAndLogsComeFromTheFake) {
  sr_host_stats stats{};
  stats.total_requests = 1234;
  host_.SetStats(stats);
  host_.AddErrorEntry(502, "GET", "/upstream", "bad gateway");
  host_.Call("GET", "/missing");
  auto report = ParseJson(host_.Call("GET", "/stats").body);
  EXPECT_EQ(Number(report, "requests"), 1234);
  EXPECT_EQ(Text(report, "errors"), "no route for GET /missing;bad gateway;");
  EXPECT_EQ(Text(report, "data_dir"), (data_.path() / "data").string());
  EXPECT_TRUE(std::filesystem::is_directory(data_.path() / "data"));
  ASSERT_FALSE(host_.Logs().empty());
  EXPECT_EQ(host_.Logs().front().message, "shop ready");
  EXPECT_EQ(host_.Logs().front().level, SR_LOG_INFO);
}

// ---------------------------------------------------------------------------------------
// The bare ABI
// ---------------------------------------------------------------------------------------

class RawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string file = data_.Write("digits.txt", "0123456789").string();
    host_.SetClientIp("10.0.0.7");
    host_.SetSecure(true);
    ASSERT_TRUE(host_.Load(RawDescriptor(), "{\"file\":" + sr::JsonString(file) + "}").ok());
    ASSERT_TRUE(host_.Start().ok());
  }

  sr::test::TempDir data_;
  FakeHost host_;
};

TEST_F(RawTest, EveryEntryOfTheTableIsImplemented) {
  size_t first = offsetof(sr_host_api, host_version);
  size_t entries = (sizeof(sr_host_api) - first) / sizeof(void (*)());
  EXPECT_EQ(host_.Call("GET", "/raw/table").body,
            std::to_string(entries) + "/" + std::to_string(entries));
}

TEST_F(RawTest, RequestViewsAndRefusedHeaders) {
  FakeResponse echo = host_.Call("GET", "/raw/echo?a=1", "", {{"X-One", "1"}, {"X-Two", "2"}});
  EXPECT_EQ(echo.status, 200);  // the handler checks that Content-Length is refused
  EXPECT_EQ(echo.body, "10.0.0.7 tls a=1 X-One=1 X-Two=2");
}

TEST_F(RawTest, SharedBodyIsCopiedThenReleasedExactlyOnce) {
  EXPECT_EQ(host_.Call("GET", "/raw/shared").body, "shared bytes");
  EXPECT_EQ(host_.Call("HEAD", "/raw/shared").body, "");
  EXPECT_EQ(host_.Call("GET", "/raw/released").body, "2");
}

TEST_F(RawTest, SendFileReadsTheRangeAndClosesTheDescriptor) {
  FakeResponse file = host_.Call("GET", "/raw/file");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, "23456");
  EXPECT_EQ(file.content_type, "text/plain");
  int fd = std::stoi(host_.Call("GET", "/raw/fd").body);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);  // the host owns the descriptor and closed it
}

}  // namespace
