// sr::testing::FakeHost: the host side of sr/abi.h, in-process, for plugin authors' own unit
// tests. A plugin runs under it as under spawner-master (same config rules, route matching,
// guards, error bodies and ownership rules), without sockets, threads or a clock of its own:
// requests are plain calls, tasks run when the test says so, events are delivered
// synchronously, and what the plugin logs, publishes or broadcasts is recorded.
//
//   sr::testing::FakeHost host(R"({"greeting": "Hi"})");
//   ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<MyPlugin>()).ok());
//   ASSERT_TRUE(host.Start().ok());
//   sr::testing::FakeResponse response = host.Call("GET", "/hello/ann?verbose=1");
//   host.RunDueTasks(std::chrono::seconds(30));  // runs what falls due in 30 fake seconds
//
// Deliberate differences from the real host: every handler (blocking or not) runs on the
// calling thread; events reach subscribers before event_publish returns; tasks run only in
// RunDueTasks / RunAllTasksOnce; config comes as JSON, so messages name plugin and key but
// no YAML line; stats are what the test sets.
//
// Header-only C++17. The HTTP rules are the real host's own (sr/http/). The files beside this
// one: fake_http.hpp (the route entry), fake_config.hpp (config rules), fake_state.hpp (state
// and records), fake_abi.hpp (the sr_host_api table).
// Needs RapidJSON for the config (Debian: rapidjson-dev; CMake: RapidJSON::RapidJSON); the
// SDK itself does not.
#ifndef SR_TESTING_FAKE_HOST_HPP
#define SR_TESTING_FAKE_HOST_HPP

#include <sr/abi.h>
#include <sr/http/error_message.hpp>
#include <sr/plugin.hpp>
#include <sr/testing/fake_abi.hpp>
#include <sr/testing/fake_config.hpp>
#include <sr/testing/fake_http.hpp>
#include <sr/testing/fake_state.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sr::testing {

class FakeHost {
 public:
  // `config_json`: the `config:` section of the first plugin loaded, as a JSON object.
  explicit FakeHost(std::string config_json = "{}") : config_json_(std::move(config_json)) {}
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  // Stops (if started) and destroys every plugin in reverse order, like the host's shutdown.
  ~FakeHost() {
    Stop();
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
      Slot& slot = **it;
      if (!slot.initialized) continue;
      if (slot.descriptor.on_plugin_destroy != nullptr) {
        state_.Shielded(slot.id, "destroy",
                        [&] { slot.descriptor.on_plugin_destroy(slot.instance); });
      }
      slot.initialized = false;
      state_.Withdraw(slot);
    }
  }

  // ---- set-up, before Load ------------------------------------------------------------

  // Where relative config paths resolve (the folder of plugins.yaml). Default: the cwd.
  void SetConfigBaseDir(std::filesystem::path dir) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.base_dir = std::move(dir);
  }
  // The folder data_dir returns (created on first call). Default: <config base dir>/data.
  void SetDataDir(const std::filesystem::path& dir) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.data_dir = dir.string();
  }
  void SetMissingGuards(GuardStandIn stand_in) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.missing_guards = std::move(stand_in);
  }
  // Guards no loaded plugin provides let every request in, setting these request attributes
  // (e.g. {{"user", "ann"}, {"role", "admin"}}) as if an auth plugin had checked them.
  static GuardStandIn AllowAllGuards(Headers attributes = {}) {
    return GuardStandIn{MissingGuards::kAllow, std::move(attributes)};
  }
  // Such routes answer 503, like `missing_guards: deny`.
  static GuardStandIn DenyMissingGuards() { return GuardStandIn{MissingGuards::kDeny, {}}; }
  void SetClientIp(std::string ip) { client_ip_ = std::move(ip); }
  void SetSecure(bool secure) { secure_ = secure; }
  void SetMaxBodyBytes(std::uint64_t max_body_bytes) { max_body_bytes_ = max_body_bytes; }
  // How long Call waits for a deferred response to be completed.
  void SetDeferTimeout(std::chrono::milliseconds timeout) { defer_timeout_ = timeout; }
  // Plays a host of an older ABI minor: plugins get a table that ends where that minor's
  // did (SR_HOST_API_HAS is false for later entries) and one targeting a newer minor is
  // refused, as such a host would. For testing a plugin built with SR_ABI_TARGET_MINOR.
  void SetHostAbiMinor(std::uint16_t minor) {
    host_abi_minor_ = minor < SR_ABI_MINOR ? minor : static_cast<std::uint16_t>(SR_ABI_MINOR);
  }
  // What server_endpoint answers (ABI 1.4); default "127.0.0.1:8081". The fake host listens
  // nowhere: this is only the text plugins are told.
  void SetServerEndpoint(std::string endpoint) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.server_endpoint = std::move(endpoint);
  }
  // Injects a service as if a plugin provided it (e.g. a fake kv-store vtable).
  void ProvideService(std::string name, std::uint32_t version, const void* vtable) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.services[std::move(name)] = fake_detail::ServiceEntry{nullptr, version, vtable};
  }

  // ---- lifecycle ------------------------------------------------------------------------

  // Checks the descriptor like the loader and runs on_plugin_init. On failure the plugin's
  // registrations are withdrawn and it is never started, stopped or destroyed.
  LifecycleResult Load(const sr_plugin_descriptor* descriptor) {
    return Load(descriptor, plugins_.empty() ? config_json_ : std::string("{}"));
  }
  LifecycleResult Load(const sr_plugin_descriptor* descriptor, std::string_view config_json);
  // Checks that every route's guard is provided (see SetMissingGuards), then runs
  // on_plugin_start in load order. Routes answer and tasks run only after this.
  LifecycleResult Start();
  // Like the host's shutdown: for each plugin in reverse order, cancels its tasks, ends its
  // subscriptions, then calls on_plugin_stop.
  void Stop();

  // ---- requests -------------------------------------------------------------------------

  // Serves one request as the host does: routing (404/405), body limit (413), guards,
  // handler, response filters, error log. The query may also follow '?' in `path`.
  FakeResponse Call(std::string_view method, std::string_view path, std::string_view body = {},
                    const Headers& headers = {}, std::string_view query = {});

  // ---- tasks on a fake clock ------------------------------------------------------------

  // Advances the clock by `advance`, running every task that falls due on the way, in due
  // order (a periodic task runs once per period elapsed). Returns the number of runs.
  std::size_t RunDueTasks(std::chrono::milliseconds advance);
  // Runs every scheduled task once now, whatever its due time; periodic ones are then due
  // one period later. Returns the number of runs.
  std::size_t RunAllTasksOnce();
  std::size_t PendingTasks() const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    return state_.tasks.size();
  }
  std::chrono::milliseconds Now() const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    return std::chrono::milliseconds(state_.now_ms);
  }

  // ---- events, streams, stats, logs -----------------------------------------------------

  // What the plugins published, in order.
  std::vector<PublishedEvent> Published() const { return state_.Copy(state_.published); }
  // An event from "another plugin": reaches the subscribers, not Published().
  void Deliver(std::string_view topic, std::string_view payload) {
    state_.DeliverEvent(topic, payload);
  }
  // Everything broadcast to the group so far (empty if there is no such group).
  std::vector<StreamEvent> Broadcasts(std::string_view group) const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    auto it = state_.groups.find(group);
    return it == state_.groups.end() ? std::vector<StreamEvent>() : it->second->broadcasts;
  }
  // Every client that ever joined the group, connected or not.
  std::vector<std::shared_ptr<FakeStreamClient>> StreamClients(std::string_view group) const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    auto it = state_.groups.find(group);
    return it == state_.groups.end() ? std::vector<std::shared_ptr<FakeStreamClient>>()
                                     : it->second->clients;
  }
  // What stats_read answers.
  void SetStats(const sr_host_stats& stats) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.stats = stats;
  }
  // Adds an error-log entry; responses with status >= 400 are added automatically.
  std::uint64_t AddErrorEntry(int status, std::string method, std::string path, std::string message,
                              std::string client_ip = "127.0.0.1") {
    return state_.AddErrorEntry(status, std::move(method), std::move(path), std::move(message),
                                std::move(client_ip));
  }
  std::vector<ErrorEntry> ErrorLog() const { return state_.Copy(state_.errors); }
  // What the plugins logged (instead of printing it).
  std::vector<LogLine> Logs() const { return state_.Copy(state_.logs); }
  // What metrics_render answers (ABI 1.3): the plugins' metrics in the Prometheus text
  // format, after their collectors ran. The fake host adds none of its own (no HTTP or
  // process_* metrics).
  std::string Metrics() { return state_.metrics.Render(); }
  // The plugins that said they are degraded (ABI 1.4 health_set), in the order they became
  // so, and what the host's GET /health would answer.
  std::vector<sr::HealthStates::Degraded> Degraded() const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    return state_.health.degraded();
  }
  std::string HealthJson() const {
    std::lock_guard<std::mutex> lock(state_.mutex);
    return state_.health.Json();
  }

 private:
  using Slot = fake_detail::PluginSlot;
  using Exchange = fake_detail::Exchange;
  using Phase = Exchange::Phase;

  bool RunGuards(Exchange& exchange);
  void InvokeHandler(Exchange& exchange);
  FakeResponse Finish(Exchange& exchange);
  // Without a message from response_error, the host logs the "error" of a JSON body.
  static std::string ErrorMessageOf(const FakeResponse& response) {
    return sr::http::ErrorMessageFromBody(response.content_type, response.body, response.status);
  }
  FakeResponse FinishWithError(Exchange& exchange, int status, const std::string& message) {
    fake_detail::SetErrorResponse(exchange.response, status, message);
    return Finish(exchange);
  }

  // Declared first: destroyed last, after the plugins that point into it.
  fake_detail::HostState state_;
  std::string config_json_;
  std::string client_ip_ = "127.0.0.1";
  bool secure_ = false;
  std::uint64_t max_body_bytes_ = 1 << 20;
  std::chrono::milliseconds defer_timeout_{5000};
  std::vector<std::unique_ptr<Slot>> plugins_;  // kept even after a failed init
  std::uint16_t host_abi_minor_ = SR_ABI_MINOR;
};

// ---------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------

inline LifecycleResult FakeHost::Load(const sr_plugin_descriptor* descriptor,
                                      std::string_view config_json) {
  if (descriptor == nullptr) return {SR_ERR_INVALID_ARGUMENT, "the entry point returned NULL"};
  sr_plugin_descriptor d = fake_detail::CopyStruct(descriptor, descriptor->struct_size);
  // abi_minor is the oldest host minor the plugin needs (SR_ABI_TARGET_MINOR).
  if (d.abi_major != SR_ABI_MAJOR || d.abi_minor > host_abi_minor_) {
    return {SR_ERR_UNSUPPORTED, "the plugin needs ABI " + std::to_string(d.abi_major) + "." +
                                    std::to_string(d.abi_minor) + ", the host speaks " +
                                    std::to_string(SR_ABI_MAJOR) + "." +
                                    std::to_string(host_abi_minor_)};
  }
  if (d.id == nullptr || *d.id == '\0' || d.on_plugin_init == nullptr) {
    return {SR_ERR_INVALID_ARGUMENT, "the descriptor lacks an id or on_plugin_init"};
  }
  if (state_.started) return {SR_ERR_FAILED_PRECONDITION, "load every plugin before Start()"};
  for (const auto& other : plugins_) {
    if (other->id == d.id)
      return {SR_ERR_ALREADY_EXISTS, "plugin '" + other->id + "' is loaded twice"};
  }
  auto slot = std::make_unique<Slot>();
  slot->host = &state_;
  slot->descriptor = d;
  slot->id = d.id;
  auto copy = [](const sr_capability* list, size_t count, std::vector<sr::Capability>& to) {
    for (size_t i = 0; list != nullptr && i < count; ++i) {
      to.push_back(sr::Capability{list[i].name != nullptr ? list[i].name : "", list[i].version,
                                  list[i].kind});
    }
  };
  copy(d.provides, d.provides_count, slot->provides);
  copy(d.required, d.required_count, slot->required);
  copy(d.uses, d.uses_count, slot->uses);
  for (const auto& need : slot->required) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    auto it = state_.services.find(need.name);
    if (need.kind == SR_CAPABILITY_SERVICE &&
        (it == state_.services.end() || it->second.version < need.version)) {
      return {SR_ERR_NOT_FOUND, "plugin '" + slot->id + "' requires service '" + need.name +
                                    "' version " + std::to_string(need.version) +
                                    ", which nothing provides (load its provider or call "
                                    "ProvideService first)"};
    }
  }
  try {
    slot->config = std::make_unique<fake_detail::FakeConfig>(
        config_json, "plugin '" + slot->id + "'", state_.base_dir);
  } catch (const fake_detail::ConfigError& e) {
    return {SR_ERR_INVALID_ARGUMENT, e.what()};
  }
  Slot& loaded = *slot;
  plugins_.push_back(std::move(slot));  // kept even on failure: handles may point to it
  {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.slots.push_back(&loaded);
  }
  sr_status status = SR_ERR_INTERNAL;
  sr_host* handle = fake_detail::Abi::HandleOf(loaded);
  loaded.init_thread = std::this_thread::get_id();
  if (!state_.Shielded(loaded.id, "init", [&] {
        status = d.on_plugin_init(handle, fake_detail::Abi::TableOfMinor(host_abi_minor_),
                                  &loaded.instance);
      })) {
    state_.RecordError(loaded, "init threw an exception");
  }
  loaded.init_thread = std::thread::id();
  std::string error = state_.ErrorOf(loaded);
  if (status == SR_OK && error.empty()) {
    loaded.initialized = true;
    return {};
  }
  // It thinks it succeeded but something it asked for was refused: it has an instance.
  if (status == SR_OK && d.on_plugin_destroy != nullptr) d.on_plugin_destroy(loaded.instance);
  state_.Withdraw(loaded);
  return {status == SR_OK ? SR_ERR_INTERNAL : status,
          error.empty() ? "init failed with status " + std::to_string(status) : error};
}

inline LifecycleResult FakeHost::Start() {
  if (state_.started) return {SR_ERR_FAILED_PRECONDITION, "already started"};
  {
    std::lock_guard<std::mutex> lock(state_.mutex);
    for (const auto& route : state_.routes.All()) {
      for (const auto& term : route->guard.terms) {
        if (state_.missing_guards.policy != MissingGuards::kRefuse ||
            state_.guards.count(term.name) > 0) {
          continue;
        }
        return {SR_ERR_FAILED_PRECONDITION,
                "route " + route->method + " " + route->pattern + " (plugin '" + route->owner_id +
                    "') needs guard '" + term.name +
                    "', which no loaded plugin provides; load its plugin or call "
                    "SetMissingGuards(FakeHost::AllowAllGuards()) or DenyMissingGuards()"};
      }
    }
  }
  for (const auto& slot : plugins_) {
    if (!slot->initialized) continue;
    auto hook = slot->descriptor.on_plugin_start;
    sr_status status = SR_OK;
    if (hook != nullptr &&
        !state_.Shielded(slot->id, "start", [&] { status = hook(slot->instance); })) {
      status = SR_ERR_INTERNAL;
    }
    if (status != SR_OK) {
      std::string error = state_.ErrorOf(*slot);
      return {status, "plugin '" + slot->id + "' failed to start: " +
                          (error.empty() ? "status " + std::to_string(status) : error)};
    }
    slot->started = true;
  }
  std::lock_guard<std::mutex> lock(state_.mutex);
  state_.started = true;
  return {};
}

inline void FakeHost::Stop() {
  {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.started = false;
  }
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    Slot& slot = **it;
    if (!slot.initialized) continue;
    {
      std::lock_guard<std::mutex> lock(state_.mutex);
      slot.stopping = true;  // refuses new routes and tasks from now on
    }
    state_.CancelTasks([&](const fake_detail::TaskEntry& task) { return task.owner == &slot; });
    state_.Unsubscribe([&](const fake_detail::Subscriber& s) { return s.owner == &slot; });
    state_.metrics.RemoveCollectors(slot.id);
    if (slot.started && slot.descriptor.on_plugin_stop != nullptr) {
      state_.Shielded(slot.id, "stop", [&] { slot.descriptor.on_plugin_stop(slot.instance); });
    }
    slot.started = false;
  }
}

// ---------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------

inline std::size_t FakeHost::RunDueTasks(std::chrono::milliseconds advance) {
  fake_detail::HostState::Lock lock(state_.mutex);
  const std::int64_t target = state_.now_ms + advance.count();
  std::size_t runs = 0;
  while (state_.started) {  // like the host, tasks wait until every plugin has started
    std::shared_ptr<fake_detail::TaskEntry> next;
    for (const auto& [id, task] : state_.tasks) {
      if (task->running || task->due_ms > target || task->owner->stopping) continue;
      if (!next || task->due_ms < next->due_ms) next = task;
    }
    if (!next) break;
    state_.now_ms = std::max(state_.now_ms, next->due_ms);
    state_.RunTaskLocked(lock, next);
    ++runs;
  }
  state_.now_ms = std::max(state_.now_ms, target);
  return runs;
}

inline std::size_t FakeHost::RunAllTasksOnce() {
  fake_detail::HostState::Lock lock(state_.mutex);
  if (!state_.started) return 0;
  std::vector<std::shared_ptr<fake_detail::TaskEntry>> order;
  for (const auto& [id, task] : state_.tasks) order.push_back(task);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a->due_ms < b->due_ms; });
  std::size_t runs = 0;
  for (const auto& task : order) {
    if (task->cancelled || task->running || task->owner->stopping) continue;
    task->due_ms = state_.now_ms;
    state_.RunTaskLocked(lock, task);
    ++runs;
  }
  return runs;
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

inline FakeResponse FakeHost::Call(std::string_view method, std::string_view path,
                                   std::string_view body, const Headers& headers,
                                   std::string_view query) {
  auto exchange = std::make_shared<Exchange>();
  size_t question = path.find('?');
  if (query.empty() && question != std::string_view::npos) query = path.substr(question + 1);
  exchange->host = &state_;
  exchange->method = std::string(method);
  exchange->raw_path = std::string(path.substr(0, question));
  exchange->query = std::string(query);
  exchange->body = std::string(body);
  exchange->headers = headers;
  exchange->client_ip = client_ip_;
  exchange->secure = secure_;
  auto decoded = fake_detail::PercentDecode(exchange->raw_path, false);
  exchange->path = decoded ? *decoded : exchange->raw_path;
  fake_detail::RouteMatch match;
  {
    std::lock_guard<std::mutex> lock(state_.mutex);
    if (!state_.started) {
      std::string message = "the fake host is not started: call Start() first";
      return FakeResponse{503,     {},     "application/json", fake_detail::JsonError(message),
                          message, nullptr};
    }
    match = state_.routes.Match(method, exchange->raw_path);
  }
  if (exchange->raw_path.empty() || exchange->raw_path.front() != '/') {
    return FinishWithError(*exchange, 400, "the request target must be an absolute path");
  }
  if (!decoded) return FinishWithError(*exchange, 400, "malformed percent-encoding in the path");
  if (match.route == nullptr && match.status == 405) {
    exchange->response.headers.emplace_back("Allow", match.allow);
    return FinishWithError(*exchange, 405,
                           "method " + exchange->method + " is not allowed for " + exchange->path);
  }
  if (match.route == nullptr) {
    return FinishWithError(*exchange, 404,
                           "no route for " + exchange->method + " " + exchange->path);
  }
  exchange->route = match.route;
  exchange->path_params = std::move(match.params);
  std::uint64_t limit =
      match.route->max_body_bytes != 0 ? match.route->max_body_bytes : max_body_bytes_;
  if (body.size() > limit) {
    return FinishWithError(*exchange, 413,
                           "request body is larger than " + std::to_string(limit) + " bytes");
  }
  sr::http::AppendQuery(exchange->query, exchange->query_params);
  for (const auto& [name, value] : exchange->headers) {
    if (fake_detail::EqualsIgnoreCase(name, "Cookie"))
      sr::http::AppendCookies(value, exchange->cookies);
  }
  if (!RunGuards(*exchange)) return Finish(*exchange);
  InvokeHandler(*exchange);
  Phase phase = exchange->phase.load();
  if (phase == Phase::kStreaming) {
    exchange->response.status = 200;
    exchange->response.headers.emplace_back("Cache-Control", "no-cache");
    exchange->response.content_type = "text/event-stream; charset=utf-8";
    FakeResponse response = Finish(*exchange);
    response.stream = exchange->stream;
    return response;
  }
  if (phase == Phase::kHandling) {
    exchange->phase.store(Phase::kCompleted);
    return Finish(*exchange);
  }
  std::unique_lock<std::mutex> lock(exchange->mutex);  // deferred: wait for response_complete
  if (!exchange->done_changed.wait_for(lock, defer_timeout_, [&] { return exchange->done; })) {
    // The exchange stays in state_.deferred: the plugin may still complete it later.
    std::string message = "the deferred response was not completed within " +
                          std::to_string(defer_timeout_.count()) + " ms";
    state_.AddLog(match.route->owner_id, SR_LOG_ERROR, message);
    return FakeResponse{504,     {},     "application/json", fake_detail::JsonError(message),
                        message, nullptr};
  }
  lock.unlock();
  return Finish(*exchange);
}

// The host's rules (sr/http/guard.hpp): the first guard that allows wins; otherwise a
// guard's own refusal, else 401 (503 if only absent guards were named).
inline bool FakeHost::RunGuards(Exchange& exchange) {
  if (exchange.route->guard.is_public()) return true;
  auto* request = reinterpret_cast<sr_request*>(&exchange);
  auto* response = reinterpret_cast<sr_response*>(&exchange);
  using Arbiter = fake_detail::GuardArbiter<fake_detail::ResponseState>;
  Arbiter arbiter;
  for (const auto& term : exchange.route->guard.terms) {
    std::optional<fake_detail::GuardEntry> entry;
    GuardStandIn stand_in;
    {
      std::lock_guard<std::mutex> lock(state_.mutex);
      if (auto it = state_.guards.find(term.name); it != state_.guards.end()) entry = it->second;
      stand_in = state_.missing_guards;
    }
    if (!entry && stand_in.policy == MissingGuards::kAllow) {
      for (const auto& [name, value] : stand_in.attributes) {
        fake_detail::Abi::RequestSetAttribute(request, ToStr(name), ToStr(value));
      }
      return true;
    }
    if (!entry) {
      arbiter.Missing(term.name);
      continue;
    }
    exchange.response = fake_detail::ResponseState{};
    int32_t decision = SR_GUARD_DENY;  // a guard that throws fails closed
    state_.Shielded(entry->owner->id, "guard '" + term.name + "'", [&] {
      decision = entry->fn(entry->ctx, request, response, ToStr(term.argument));
    });
    fake_detail::ResponseState taken = std::move(exchange.response);
    exchange.response = fake_detail::ResponseState{};
    if (decision == SR_GUARD_ALLOW) return true;
    if (decision == SR_GUARD_ABSTAIN) {
      arbiter.Abstained(std::move(taken));
    } else {
      arbiter.Denied(std::move(taken));
    }
  }
  switch (arbiter.Conclude()) {
    case Arbiter::Outcome::kGuardResponse: {
      exchange.response = arbiter.TakeChosen();
      fake_detail::ResponseState& own = exchange.response;
      if (!own.shared && own.body.empty() && own.status >= 400) {
        std::string message = own.error_message.empty()
                                  ? std::string(fake_detail::ReasonPhrase(own.status))
                                  : own.error_message;
        fake_detail::SetErrorResponse(own, own.status, message);
      }
      break;
    }
    case Arbiter::Outcome::kMissingGuard:
      fake_detail::SetErrorResponse(exchange.response, 503,
                                    sr::http::MissingGuardMessage(arbiter.missing()));
      break;
    case Arbiter::Outcome::kUnauthorized:
      fake_detail::SetErrorResponse(exchange.response, 401,
                                    std::string(sr::http::kAuthenticationRequired));
      break;
  }
  return false;
}

inline void FakeHost::InvokeHandler(Exchange& exchange) {
  const fake_detail::RouteEntry& route = *exchange.route;
  exchange.handler_thread = std::this_thread::get_id();
  exchange.phase.store(Phase::kHandling);
  sr_status status = SR_ERR_INTERNAL;
  bool returned =
      state_.Shielded(route.owner_id, "handler of " + route.method + " " + route.pattern, [&] {
        status = route.handler(route.ctx, reinterpret_cast<sr_request*>(&exchange),
                               reinterpret_cast<sr_response*>(&exchange));
      });
  bool handling = exchange.phase.load() == Phase::kHandling;
  if (!returned && handling) {
    fake_detail::SetErrorResponse(exchange.response, 500, "internal error");
  } else if (status != SR_OK && handling && exchange.response.status < 400) {
    fake_detail::SetErrorResponse(exchange.response, 500, "the handler failed");
  }
}

// Response filters, the error log, then what the client receives.
inline FakeResponse FakeHost::Finish(Exchange& exchange) {
  for (const auto& filter : state_.Copy(state_.filters)) {
    state_.Shielded(filter.owner->id, "response filter", [&] {
      filter.fn(filter.ctx, reinterpret_cast<const sr_request*>(&exchange),
                reinterpret_cast<sr_response*>(&exchange));
    });
  }
  fake_detail::ResponseState& response = exchange.response;
  FakeResponse out;
  out.status = response.status;
  out.headers = response.headers;
  out.content_type = response.content_type;
  out.body = response.shared ? std::string(View(response.shared->bytes)) : response.body;
  response.shared.reset();  // the plugin's release function, exactly once
  if (out.status >= 400) {
    out.error_message =
        response.error_message.empty() ? ErrorMessageOf(out) : response.error_message;
    state_.AddErrorEntry(out.status, exchange.method, exchange.path, out.error_message,
                         exchange.client_ip);
  }
  if (out.status < 200 || out.status == 204 || out.status == 304) {
    out.body.clear();
    out.content_type.clear();
  } else if (exchange.method == "HEAD") {
    out.body.clear();
  }
  return out;
}

}  // namespace sr::testing

#endif  // SR_TESTING_FAKE_HOST_HPP
