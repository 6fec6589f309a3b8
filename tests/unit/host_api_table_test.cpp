// Every slot of the host API table, called through the table, must reach the function its
// name promises. Entries that share a signature could be swapped without a compile error, so
// each call uses arguments whose effect or answer only the named function produces.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "config/config_section.h"
#include "config/host_config.h"
#include "http/exchange.h"
#include "plugins/exchange_handles.h"
#include "plugins/host_api.h"
#include "plugins/host_runtime.h"
#include "plugins/plugin_context.h"
#include "temp_dir.h"

namespace sr::host {
namespace {

std::string S(sr_str text) { return text.data == nullptr ? "" : std::string(text.data, text.size); }

template <typename Predicate>
bool WaitFor(Predicate predicate) {
  for (int i = 0; i < 200 && !predicate(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return predicate();
}

class HostApiSlots : public ::testing::Test {
 protected:
  HostApiSlots() : runtime_(MakeConfig(dir_.path())) {
    LoadedPlugin plugin;
    plugin.id = "probe";
    plugin.provides = {Capability{"probe-guard", 1, SR_CAPABILITY_GUARD},
                       Capability{"probe-service", 1, SR_CAPABILITY_SERVICE}};
    plugin.uses = {Capability{"probe-service", 1, SR_CAPABILITY_SERVICE}};
    auto section =
        std::make_unique<ConfigSection>(runtime_.config.plugins[0].config, "plugin 'probe'",
                                        runtime_.config.file_label, runtime_.config.dir);
    context_ = std::make_unique<PluginContext>(runtime_, std::move(plugin), std::move(section));
    context_->init_thread = std::this_thread::get_id();  // as during on_plugin_init
    host_ = &context_->handle;

    exchange_ = std::make_shared<Exchange>();
    Exchange& e = *exchange_;
    e.head.method = "PATCH";
    EXPECT_FALSE(e.head.SetTarget("/the/path?the=query"));
    e.head.headers.push_back(HeaderField{"X-Probe", "header-value"});
    e.body = "the body";
    e.client_ip = "192.0.2.7";
    e.secure = true;
    e.path_params = {{"probe", "path-value"}};
    e.query_params = {{"probe", "query-value"}};
    e.cookies = {{"probe", "cookie-value"}};
    e.attributes = {{"probe", "attribute-value"}};
    e.phase = Exchange::Phase::kHandling;
    request_ = RequestHandle(e);
    response_ = ResponseHandle(e);
  }
  ~HostApiSlots() override {
    runtime_.events.Shutdown();
    runtime_.scheduler.Shutdown();
  }

  static HostConfig MakeConfig(const std::filesystem::path& dir) {
    std::string yaml =
        "server:\n"
        "  data_dir: " +
        (dir / "data-folder").string() +
        "\n"
        "plugins:\n"
        "  - id: probe\n"
        "    path: /nowhere/probe.so\n"
        "    config:\n"
        "      text: written\n"
        "      seven: 7\n"
        "      flag: true\n"
        "      size: 2KiB\n"
        "      list: [a, b, c]\n"
        "      quotas: {eu: 2, us: 3}\n";
    return ParseHostConfig(yaml, dir / "plugins.yaml",
                           [](std::string_view) { return std::optional<std::string>(); });
  }

  sr::test::TempDir dir_;
  HostRuntime runtime_;
  std::unique_ptr<PluginContext> context_;
  sr_host* host_ = nullptr;
  std::shared_ptr<Exchange> exchange_;
  sr_request* request_ = nullptr;
  sr_response* response_ = nullptr;
  const sr_host_api* api_ = HostApiTable();
};

TEST_F(HostApiSlots, HeaderFields) {
  EXPECT_EQ(api_->struct_size, sizeof(sr_host_api));
  EXPECT_EQ(api_->abi_major, SR_ABI_MAJOR);
  EXPECT_EQ(api_->abi_minor, SR_ABI_MINOR);
  // No slot left empty: every function pointer of the struct is set.
  const auto* slots =
      reinterpret_cast<const unsigned char*>(api_) + offsetof(sr_host_api, host_version);
  size_t count = (sizeof(sr_host_api) - offsetof(sr_host_api, host_version)) / sizeof(void*);
  for (size_t i = 0; i < count; ++i) {
    void* slot = nullptr;
    std::memcpy(&slot, slots + i * sizeof(void*), sizeof(void*));
    EXPECT_NE(slot, nullptr) << "slot " << i;
  }
}

TEST_F(HostApiSlots, IdentityLoggingAndErrors) {
  EXPECT_EQ(S(api_->host_version(host_)), std::string(HostVersion()));
  api_->log(host_, SR_LOG_INFO, SR_LIT("a log line"));  // reaches spdlog; must not record
  EXPECT_EQ(context_->error(), "");
  api_->set_error(host_, SR_LIT("set by set_error"));
  EXPECT_EQ(context_->error(), "set by set_error");
  EXPECT_FALSE(context_->error_is_config());
}

TEST_F(HostApiSlots, ConfigurationGetters) {
  EXPECT_EQ(S(api_->config_json(host_)).rfind("{\"text\":\"written\"", 0), 0u)
      << S(api_->config_json(host_));
  EXPECT_EQ(api_->config_has(host_, SR_LIT("seven")), 1);
  EXPECT_EQ(api_->config_has(host_, SR_LIT("absent")), 0);

  sr_str text{};
  ASSERT_EQ(api_->config_get_string(host_, SR_LIT("text"), SR_LIT(""), &text), SR_OK);
  EXPECT_EQ(S(text), "written");
  // config_get_path resolves against the folder of plugins.yaml; config_get_string does not.
  ASSERT_EQ(api_->config_get_path(host_, SR_LIT("text"), SR_LIT(""), &text), SR_OK);
  EXPECT_EQ(S(text), (dir_.path() / "written").lexically_normal().string());

  int64_t number = 0;
  // 7 is 7 to config_get_int and 7 seconds to config_get_duration_ms.
  ASSERT_EQ(api_->config_get_int(host_, SR_LIT("seven"), 0, 0, 100, &number), SR_OK);
  EXPECT_EQ(number, 7);
  ASSERT_EQ(api_->config_get_duration_ms(host_, SR_LIT("seven"), 0, 0, 100000, &number), SR_OK);
  EXPECT_EQ(number, 7000);

  int32_t flag = 0;
  ASSERT_EQ(api_->config_get_bool(host_, SR_LIT("flag"), 0, &flag), SR_OK);
  EXPECT_EQ(flag, 1);
  uint64_t bytes = 0;
  ASSERT_EQ(api_->config_get_bytes(host_, SR_LIT("size"), 0, 0, UINT64_MAX, &bytes), SR_OK);
  EXPECT_EQ(bytes, 2048u);
  size_t length = 0;
  ASSERT_EQ(api_->config_array_length(host_, SR_LIT("list"), &length), SR_OK);
  EXPECT_EQ(length, 3u);

  std::string keys;
  ASSERT_EQ(api_->config_map_keys(
                host_, SR_LIT("quotas"),
                [](void* ctx, sr_str name) -> int32_t {
                  *static_cast<std::string*>(ctx) += S(name) + ";";
                  return 1;
                },
                &keys),
            SR_OK);
  EXPECT_EQ(keys, "eu;us;");

  // Unread keys remain (list items, quotas' values): config_finish names the first one.
  EXPECT_EQ(api_->config_finish(host_), SR_ERR_INVALID_ARGUMENT);
  EXPECT_NE(context_->error().find("key 'list.0' is not a known setting"), std::string::npos)
      << context_->error();
}

TEST_F(HostApiSlots, ConfigErrorRecordsTheKeyAndLine) {
  EXPECT_EQ(api_->config_error(host_, SR_LIT("quotas.us"), SR_LIT("too many")),
            SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(context_->error(), "plugins.yaml:12:27: plugin 'probe': key 'quotas.us': too many");
  EXPECT_TRUE(context_->error_is_config());
}

// Each records that it was reached, with its context and the request it was given.
int32_t ProbeGuard(void* ctx, sr_request* request, sr_response*, sr_str) {
  if (request != nullptr) ++*static_cast<int*>(ctx);
  return SR_GUARD_ALLOW;
}
void ProbeFilter(void* ctx, const sr_request* request, sr_response*) {
  if (request != nullptr) ++*static_cast<int*>(ctx);
}
sr_status ProbeHandler(void*, sr_request*, sr_response*) { return SR_OK; }

TEST_F(HostApiSlots, RoutesGuardsFilters) {
  sr_route route{};
  route.struct_size = sizeof route;
  route.method = SR_LIT("GET");
  route.pattern = SR_LIT("/probe/route");
  route.guard = SR_LIT("public");
  route.handler = ProbeHandler;
  ASSERT_EQ(api_->route_add(host_, &route), SR_OK);
  auto routes = runtime_.core.routes()->All();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]->pattern, "/probe/route");

  int guard_calls = 0;
  ASSERT_EQ(api_->guard_register(host_, SR_LIT("probe-guard"), ProbeGuard, &guard_calls), SR_OK);
  const GuardEntry* guard = runtime_.core.FindGuard("probe-guard");
  ASSERT_NE(guard, nullptr);
  guard->fn(*exchange_, "");
  EXPECT_EQ(guard_calls, 1);

  int filter_calls = 0;
  ASSERT_EQ(api_->response_filter_add(host_, ProbeFilter, &filter_calls), SR_OK);
  ASSERT_EQ(runtime_.core.filters().size(), 1u);
  runtime_.core.filters()[0].fn(*exchange_);
  EXPECT_EQ(filter_calls, 1);
}

TEST_F(HostApiSlots, RequestViews) {
  EXPECT_EQ(S(api_->request_method(request_)), "PATCH");
  EXPECT_EQ(S(api_->request_path(request_)), "/the/path");
  EXPECT_EQ(S(api_->request_query(request_)), "the=query");
  EXPECT_EQ(S(api_->request_body(request_)), "the body");
  EXPECT_EQ(S(api_->request_client_ip(request_)), "192.0.2.7");
  EXPECT_EQ(api_->request_is_secure(request_), 1);

  // The same name, "probe" (or "X-Probe"), has a different value in each place.
  sr_str out{};
  ASSERT_EQ(api_->request_header(request_, SR_LIT("x-probe"), &out), 1);
  EXPECT_EQ(S(out), "header-value");
  ASSERT_EQ(api_->request_path_param(request_, SR_LIT("probe"), &out), 1);
  EXPECT_EQ(S(out), "path-value");
  ASSERT_EQ(api_->request_query_param(request_, SR_LIT("probe"), &out), 1);
  EXPECT_EQ(S(out), "query-value");
  ASSERT_EQ(api_->request_cookie(request_, SR_LIT("probe"), &out), 1);
  EXPECT_EQ(S(out), "cookie-value");
  ASSERT_EQ(api_->request_attribute(request_, SR_LIT("probe"), &out), 1);
  EXPECT_EQ(S(out), "attribute-value");

  sr_str name{};
  ASSERT_EQ(api_->request_header_at(request_, 0, &name, &out), 1);
  EXPECT_EQ(S(name), "X-Probe");
  EXPECT_EQ(api_->request_header_at(request_, 1, &name, &out), 0);

  ASSERT_EQ(api_->request_set_attribute(request_, SR_LIT("probe"), SR_LIT("changed")), SR_OK);
  EXPECT_EQ(exchange_->attributes[0].second, "changed");
}

TEST_F(HostApiSlots, ResponseBuilders) {
  api_->response_set_status(response_, 418);
  EXPECT_EQ(exchange_->response.status, 418);
  exchange_->response.status = 299;
  EXPECT_EQ(api_->response_status(response_), 299);

  ASSERT_EQ(api_->response_add_header(response_, SR_LIT("X-Added"), SR_LIT("added")), SR_OK);
  ASSERT_EQ(exchange_->response.headers.size(), 1u);
  EXPECT_EQ(exchange_->response.headers[0].name, "X-Added");
  sr_str out{};
  ASSERT_EQ(api_->response_header(response_, SR_LIT("x-added"), &out), 1);
  EXPECT_EQ(S(out), "added");

  api_->response_set_body(response_, SR_LIT("set"), SR_LIT("text/x-set"));
  EXPECT_EQ(exchange_->response.body.bytes, "set");
  EXPECT_EQ(exchange_->response.content_type, "text/x-set");
  api_->response_append_body(response_, SR_LIT("+appended"));
  EXPECT_EQ(exchange_->response.body.bytes, "set+appended");

  static std::atomic<int> released{0};
  api_->response_set_body_shared(
      response_, SR_LIT("shared"), SR_LIT("text/x-shared"), [](void*) { released.fetch_add(1); },
      nullptr);
  EXPECT_EQ(exchange_->response.body.kind, ResponseBody::Kind::kShared);
  EXPECT_EQ(std::string(exchange_->response.body.shared_data, exchange_->response.body.shared_size),
            "shared");

  std::string file = (dir_.path() / "body.txt").string();
  dir_.Write("body.txt", "0123456789");
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(api_->response_send_file(response_, fd, 2, 5, SR_LIT("text/x-file")), SR_OK);
  EXPECT_EQ(exchange_->response.body.kind, ResponseBody::Kind::kFile);
  EXPECT_EQ(exchange_->response.body.file_offset, 2u);
  EXPECT_EQ(exchange_->response.body.file_length, 5u);
  EXPECT_EQ(released.load(), 1);  // the shared body was replaced and given back

  api_->response_error(response_, 409, SR_LIT("the conflict"));
  EXPECT_EQ(exchange_->response.status, 409);
  EXPECT_EQ(exchange_->response.error_message, "the conflict");
  EXPECT_EQ(exchange_->response.headers.size(), 1u);  // kept, as documented
}

TEST_F(HostApiSlots, DeferThenComplete) {
  // response_complete before response_defer is refused; response_defer is not.
  EXPECT_EQ(api_->response_complete(response_), SR_ERR_FAILED_PRECONDITION);
  ASSERT_EQ(api_->response_defer(response_), SR_OK);
  EXPECT_EQ(exchange_->phase.load(), Exchange::Phase::kDeferred);
  ASSERT_EQ(api_->response_complete(response_), SR_OK);
  EXPECT_EQ(exchange_->phase.load(), Exchange::Phase::kCompleted);
}

TEST_F(HostApiSlots, Streams) {
  sr_stream_group* group = nullptr;
  ASSERT_EQ(api_->stream_group_create(host_, SR_LIT("probe-group"), nullptr, &group), SR_OK);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(api_->stream_group_clients(group), 0u);
  uint64_t first = 0;
  uint64_t second = 0;
  ASSERT_EQ(api_->stream_group_broadcast(group, SR_LIT("e"), SR_LIT("1"), 0, &first), SR_OK);
  ASSERT_EQ(api_->stream_group_broadcast(group, SR_LIT("e"), SR_LIT("2"), 0, &second), SR_OK);
  EXPECT_EQ(second, first + 1);
  // Outside a handler on its I/O thread stream_open is refused; the per-stream calls answer
  // a null stream each in their own way.
  sr_stream* stream = nullptr;
  EXPECT_EQ(api_->stream_open(request_, response_, group, &stream), SR_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(api_->stream_send(nullptr, SR_LIT("e"), SR_LIT("d")), SR_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(api_->stream_close(nullptr), SR_ERR_INVALID_ARGUMENT);
  api_->stream_release(nullptr);
}

TEST_F(HostApiSlots, TasksServicesEvents) {
  static std::atomic<int> runs{0};
  sr_task_spec spec{};
  spec.struct_size = sizeof spec;
  spec.name = SR_LIT("probe task");
  spec.fn = [](void*) { runs.fetch_add(1); };
  spec.period_ms = 5;
  sr_task* task = nullptr;
  ASSERT_EQ(api_->task_schedule(host_, &spec, &task), SR_OK);
  ASSERT_TRUE(WaitFor([] { return runs.load() >= 2; }));
  api_->task_cancel(task);
  int after_cancel = runs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(runs.load(), after_cancel);

  static const uint32_t vtable[2] = {sizeof vtable, 42};
  ASSERT_EQ(api_->service_provide(host_, SR_LIT("probe-service"), 1, vtable), SR_OK);
  const void* found = nullptr;
  ASSERT_EQ(api_->service_lookup(host_, SR_LIT("probe-service"), 1, &found), SR_OK);
  EXPECT_EQ(found, vtable);

  static std::atomic<int> delivered{0};
  sr_subscription* subscription = nullptr;
  ASSERT_EQ(api_->event_subscribe(
                host_, SR_LIT("probe.*"),
                [](void*, sr_str topic, sr_str payload) {
                  if (S(topic) == "probe.topic" && S(payload) == "{\"n\":1}")
                    delivered.fetch_add(1);
                },
                nullptr, &subscription),
            SR_OK);
  ASSERT_EQ(api_->event_publish(host_, SR_LIT("probe.topic"), SR_LIT("{\"n\":1}")), SR_OK);
  ASSERT_TRUE(WaitFor([] { return delivered.load() == 1; }));
  EXPECT_EQ(context_->error(), "");  // not config_error, which shares the signature
  api_->event_unsubscribe(subscription);
  ASSERT_EQ(api_->event_publish(host_, SR_LIT("probe.topic"), SR_LIT("{\"n\":1}")), SR_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(delivered.load(), 1);
}

TEST_F(HostApiSlots, StatsErrorLogDataDir) {
  runtime_.stats.CountRequest();
  sr_host_stats stats{};
  stats.struct_size = sizeof stats;
  ASSERT_EQ(api_->stats_read(host_, &stats), SR_OK);
  EXPECT_EQ(stats.struct_size, sizeof stats);
  EXPECT_EQ(stats.total_requests, 1u);
  EXPECT_GT(stats.memory_rss_bytes, 0u);

  ErrorLog::Entry entry;
  entry.status = 503;
  entry.message = "probe error";
  runtime_.errors.Record(entry);
  std::string seen;
  ASSERT_EQ(api_->error_log_read(
                host_, 0, 10, 0,
                [](void* ctx, const sr_error_entry* e) -> int32_t {
                  *static_cast<std::string*>(ctx) +=
                      std::to_string(e->status) + " " + S(e->message);
                  return 1;
                },
                &seen),
            SR_OK);
  EXPECT_EQ(seen, "503 probe error");

  std::string dir = S(api_->data_dir(host_));
  EXPECT_EQ(dir, (dir_.path() / "data-folder").string());
  EXPECT_TRUE(std::filesystem::is_directory(dir));
}

}  // namespace
}  // namespace sr::host

namespace sr::host {
namespace {

// 1.3: add, set and observe share a signature; each leaves a mark only it can leave.
TEST_F(HostApiSlots, Metrics) {
  sr_str labels[] = {SR_LIT("kind")};
  sr_metric_spec spec{};
  spec.struct_size = sizeof spec;
  spec.type = SR_METRIC_GAUGE;
  spec.name = SR_LIT("probe_level");
  spec.help = SR_LIT("A level.");
  spec.label_names = labels;
  spec.label_count = 1;
  sr_metric_family* gauges = nullptr;
  ASSERT_EQ(api_->metric_register(host_, &spec, &gauges), SR_OK);
  EXPECT_EQ(api_->metric_register(host_, &spec, &gauges), SR_ERR_ALREADY_EXISTS);
  spec.type = SR_METRIC_HISTOGRAM;
  spec.name = SR_LIT("probe_seconds");
  double buckets[] = {1, 2};
  spec.buckets = buckets;
  spec.bucket_count = 2;
  sr_metric_family* histograms = nullptr;
  ASSERT_EQ(api_->metric_register(host_, &spec, &histograms), SR_OK);
  spec.name = SR_LIT("probe bad name");
  EXPECT_EQ(api_->metric_register(host_, &spec, &histograms), SR_ERR_INVALID_ARGUMENT);

  sr_str set_label[] = {SR_LIT("set")};
  sr_str add_label[] = {SR_LIT("add")};
  sr_metric* set = nullptr;
  sr_metric* add = nullptr;
  sr_metric* observed = nullptr;
  ASSERT_EQ(api_->metric_series(gauges, set_label, 1, &set), SR_OK);
  ASSERT_EQ(api_->metric_series(gauges, add_label, 1, &add), SR_OK);
  ASSERT_EQ(api_->metric_series(histograms, set_label, 1, &observed), SR_OK);
  EXPECT_EQ(api_->metric_series(gauges, set_label, 0, &set), SR_ERR_INVALID_ARGUMENT);
  api_->metric_set(set, 7);
  api_->metric_set(set, 5);
  api_->metric_add(add, 7);
  api_->metric_add(add, 5);
  api_->metric_observe(observed, 1.5);
  api_->metric_observe(set, 100);  // a gauge ignores observations

  static std::atomic<int> collected{0};
  ASSERT_EQ(api_->metric_collector_add(
                host_, [](void*) { collected.fetch_add(1); }, nullptr),
            SR_OK);
  std::string text;
  ASSERT_EQ(api_->metrics_render(
                host_,
                [](void* ctx, sr_str piece) -> int32_t {
                  static_cast<std::string*>(ctx)->append(S(piece));
                  return 1;
                },
                &text),
            SR_OK);
  EXPECT_EQ(collected.load(), 1);
  EXPECT_NE(text.find("probe_level{kind=\"set\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("probe_level{kind=\"add\"} 12\n"), std::string::npos);
  EXPECT_NE(text.find("probe_seconds_bucket{kind=\"set\",le=\"1\"} 0\n"
                      "probe_seconds_bucket{kind=\"set\",le=\"2\"} 1\n"
                      "probe_seconds_bucket{kind=\"set\",le=\"+Inf\"} 1\n"
                      "probe_seconds_sum{kind=\"set\"} 1.5\n"
                      "probe_seconds_count{kind=\"set\"} 1\n"),
            std::string::npos);
  // The host's own metrics are there too.
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);

  context_->init_thread = std::thread::id();  // init is over
  EXPECT_EQ(api_->metric_collector_add(
                host_, [](void*) {}, nullptr),
            SR_ERR_FAILED_PRECONDITION);
}

// 1.4: health_set reaches the runtime's health under the calling plugin's id, from any
// thread; server_endpoint answers what the host bound.
TEST_F(HostApiSlots, HealthAndServerEndpoint) {
  EXPECT_EQ(runtime_.health.HealthJson(), "{\"status\":\"healthy\"}");
  std::thread other([&] {
    EXPECT_EQ(api_->health_set(host_, 1, SR_LIT("database unreachable")), SR_OK);
  });
  other.join();
  auto degraded = runtime_.health.DegradedPlugins();
  ASSERT_EQ(degraded.size(), 1U);
  EXPECT_EQ(degraded[0].plugin, "probe");
  EXPECT_EQ(degraded[0].reason, "database unreachable");
  EXPECT_EQ(api_->health_set(host_, 0, SR_LIT("ignored")), SR_OK);
  EXPECT_TRUE(runtime_.health.DegradedPlugins().empty());

  runtime_.endpoint = "127.0.0.1:40123";
  EXPECT_EQ(S(api_->server_endpoint(host_)), "127.0.0.1:40123");
}

}  // namespace
}  // namespace sr::host
