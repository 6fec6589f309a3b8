// Header-only C++17 SDK over sr/abi.h.
//
// A plugin is a class derived from sr::Plugin with a static Info() and an Init(sr::Host&),
// declared with SR_DECLARE_PLUGIN(Class). Every call from the host into the plugin passes
// through a noexcept barrier: an exception thrown by Init refuses the plugin with its
// message, one thrown by a handler becomes a logged 500, one thrown by a task or an event
// callback is logged. Nothing C++ ever crosses the ABI.
#ifndef SR_PLUGIN_HPP
#define SR_PLUGIN_HPP

#include <sr/abi.h>
#include <sr/error_entry.hpp>
#include <sr/text.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sr {

inline sr_str ToStr(std::string_view text) { return sr_str{text.data(), text.size()}; }
inline std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}

// The SDK's one error rule (plugin-api/ABI.md, "Errors"): every call that can fail throws
// sr::Error carrying the host's sr_status; a call never drops a failure. Outcomes that are
// ordinary answers rather than failures (a header or cookie that is absent, a service nobody
// provides, a stream client that has left) are returned as values instead.
// Thrown from Init (or anything it calls), it refuses the plugin with its message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, sr_status status = SR_ERR_INTERNAL)
      : std::runtime_error(message), status_(status) {}
  sr_status status() const { return status_; }

 private:
  sr_status status_;
};

// The host is shutting down and takes no more of this work (SR_ERR_SHUTTING_DOWN): a task
// that cannot be scheduled, an event nobody will receive. Catch it where shutting down calls
// for another path (do the work inline, skip the event); let other errors propagate.
class ShuttingDown : public Error {
 public:
  explicit ShuttingDown(const std::string& message) : Error(message, SR_ERR_SHUTTING_DOWN) {}
};

namespace detail {

// Throws the exception that a failed `status` calls for, naming `what` failed.
[[noreturn]] inline void ThrowStatus(sr_status status, std::string what) {
  if (status == SR_ERR_SHUTTING_DOWN) throw ShuttingDown(what.append(": the host is shutting down"));
  throw Error(what, status);
}

// SR_OK returns; anything else throws (ThrowStatus).
inline void ThrowIfFailed(sr_status status, std::string_view what) {
  if (status != SR_OK) ThrowStatus(status, std::string(what));
}

// The same, for a message that has to be composed: `describe()` runs only on failure, so
// calls on every request's path (attributes, headers, events) allocate nothing when they
// succeed.
template <typename Describe,
          typename = std::enable_if_t<std::is_invocable_r_v<std::string, Describe&>>>
inline void ThrowIfFailed(sr_status status, Describe&& describe) {
  if (status != SR_OK) ThrowStatus(status, describe());
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------------------

class Request {
 public:
  Request(const sr_host_api* api, sr_request* raw) : api_(api), raw_(raw) {}

  std::string_view Method() const { return View(api_->request_method(raw_)); }
  std::string_view Path() const { return View(api_->request_path(raw_)); }
  std::string_view Query() const { return View(api_->request_query(raw_)); }
  std::string_view Body() const { return View(api_->request_body(raw_)); }
  std::string_view ClientIp() const { return View(api_->request_client_ip(raw_)); }
  bool IsSecure() const { return api_->request_is_secure(raw_) != 0; }

  std::optional<std::string_view> Header(std::string_view name) const {
    return Lookup(api_->request_header, name);
  }
  std::optional<std::string_view> PathParam(std::string_view name) const {
    return Lookup(api_->request_path_param, name);
  }
  std::optional<std::string_view> QueryParam(std::string_view name) const {
    return Lookup(api_->request_query_param, name);
  }
  std::optional<std::string_view> Cookie(std::string_view name) const {
    return Lookup(api_->request_cookie, name);
  }
  std::optional<std::string_view> Attribute(std::string_view name) const {
    return Lookup(api_->request_attribute, name);
  }
  void SetAttribute(std::string_view name, std::string_view value) {
    detail::ThrowIfFailed(api_->request_set_attribute(raw_, ToStr(name), ToStr(value)), [name] {
      return std::string("cannot set request attribute ").append(name);
    });
  }

  sr_request* raw() const { return raw_; }

 private:
  using LookupFn = int32_t (*)(const sr_request*, sr_str, sr_str*);
  std::optional<std::string_view> Lookup(LookupFn fn, std::string_view name) const {
    sr_str out{nullptr, 0};
    if (fn(raw_, ToStr(name), &out) == 0) return std::nullopt;
    return View(out);
  }

  const sr_host_api* api_;
  sr_request* raw_;
};

class Response {
 public:
  Response(const sr_host_api* api, sr_response* raw) : api_(api), raw_(raw) {}

  void SetStatus(int status) { api_->response_set_status(raw_, status); }
  int Status() const { return api_->response_status(raw_); }
  // Throws when the host refuses the header (CR, LF or NUL in it, or a header the host owns;
  // see abi.h): a header that is not sent is a failure, never silently dropped.
  void AddHeader(std::string_view name, std::string_view value) {
    detail::ThrowIfFailed(api_->response_add_header(raw_, ToStr(name), ToStr(value)), [name] {
      return std::string("the host refused the response header ").append(name);
    });
  }
  std::optional<std::string_view> Header(std::string_view name) const {
    sr_str out{nullptr, 0};
    if (api_->response_header(raw_, ToStr(name), &out) == 0) return std::nullopt;
    return View(out);
  }
  void Body(std::string_view body, std::string_view content_type) {
    api_->response_set_body(raw_, ToStr(body), ToStr(content_type));
  }
  void Append(std::string_view chunk) { api_->response_append_body(raw_, ToStr(chunk)); }
  void Send(int status, std::string_view body, std::string_view content_type) {
    SetStatus(status);
    Body(body, content_type);
  }
  void Json(int status, std::string_view json) { Send(status, json, "application/json"); }
  void Text(int status, std::string_view text) { Send(status, text, "text/plain; charset=utf-8"); }
  void Html(int status, std::string_view html) { Send(status, html, "text/html; charset=utf-8"); }
  // Sends a body shared with other responses without copying it.
  void Shared(int status, std::shared_ptr<const std::string> body, std::string_view content_type) {
    SetStatus(status);
    auto holder = std::make_unique<std::shared_ptr<const std::string>>(std::move(body));
    const std::string& bytes = **holder;
    api_->response_set_body_shared(
        raw_, ToStr(bytes), ToStr(content_type),
        [](void* ctx) noexcept {
          std::unique_ptr<std::shared_ptr<const std::string>>(
              static_cast<std::shared_ptr<const std::string>*>(ctx));
        },
        holder.release());
  }
  // Sends part of an open file; takes ownership of `fd`. False (an answer the caller must
  // handle, e.g. with 416) when `fd` is no regular file or the range lies outside it.
  [[nodiscard]] bool File(int fd, std::uint64_t offset, std::uint64_t length,
                          std::string_view content_type) {
    return api_->response_send_file(raw_, fd, offset, length, ToStr(content_type)) == SR_OK;
  }
  // {"error": message} with `status`; recorded in the host's error log.
  void Error(int status, std::string_view message) {
    api_->response_error(raw_, status, ToStr(message));
  }

  sr_response* raw() const { return raw_; }

 private:
  const sr_host_api* api_;
  sr_response* raw_;
};

// A response finished later, from any thread. Completes on destruction if nobody did, so a
// lost deferred response still reaches its client (as a 500 if no status was ever chosen).
class DeferredResponse {
 public:
  DeferredResponse(const sr_host_api* api, sr_request* request, sr_response* response)
      : api_(api), request_(api, request), response_(api, response) {}
  DeferredResponse(const DeferredResponse&) = delete;
  DeferredResponse& operator=(const DeferredResponse&) = delete;
  ~DeferredResponse() {
    if (!completed_) {
      if (!touched_) response_.Error(500, "the request was abandoned");
      api_->response_complete(response_.raw());
    }
  }

  Request& request() { return request_; }
  Response& response() {
    touched_ = true;
    return response_;
  }
  void Complete() {
    if (completed_) return;
    completed_ = true;
    detail::ThrowIfFailed(api_->response_complete(response_.raw()), "response_complete");
  }

 private:
  const sr_host_api* api_;
  Request request_;
  Response response_;
  bool touched_ = false;
  bool completed_ = false;
};

// Call from a handler to finish the response later; the handler then returns at once.
inline std::shared_ptr<DeferredResponse> Defer(const sr_host_api* api, Request& request,
                                               Response& response) {
  detail::ThrowIfFailed(api->response_defer(response.raw()), "response_defer refused by the host");
  return std::make_shared<DeferredResponse>(api, request.raw(), response.raw());
}

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

// Typed access to the plugin's section of plugins.yaml. Every getter throws sr::Error when
// the value is invalid; the host has then already recorded a message naming key and line.
class Config {
 public:
  Config(const sr_host_api* api, sr_host* host) : api_(api), host_(host) {}

  std::string_view Json() const { return View(api_->config_json(host_)); }
  bool Has(std::string_view key) { return api_->config_has(host_, ToStr(key)) != 0; }
  std::string String(std::string_view key, std::string_view fallback = {}) {
    sr_str out{nullptr, 0};
    Check(api_->config_get_string(host_, ToStr(key), ToStr(fallback), &out));
    return std::string(View(out));
  }
  std::int64_t Int(std::string_view key, std::int64_t fallback, std::int64_t min = INT64_MIN,
                   std::int64_t max = INT64_MAX) {
    std::int64_t out = 0;
    Check(api_->config_get_int(host_, ToStr(key), fallback, min, max, &out));
    return out;
  }
  bool Bool(std::string_view key, bool fallback) {
    int32_t out = 0;
    Check(api_->config_get_bool(host_, ToStr(key), fallback ? 1 : 0, &out));
    return out != 0;
  }
  std::chrono::milliseconds Duration(std::string_view key, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds min = std::chrono::milliseconds(0),
                                     std::chrono::milliseconds max = std::chrono::hours(24 * 365)) {
    std::int64_t out = 0;
    Check(api_->config_get_duration_ms(host_, ToStr(key), fallback.count(), min.count(),
                                       max.count(), &out));
    return std::chrono::milliseconds(out);
  }
  std::uint64_t Bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min = 0,
                      std::uint64_t max = UINT64_MAX) {
    std::uint64_t out = 0;
    Check(api_->config_get_bytes(host_, ToStr(key), fallback, min, max, &out));
    return out;
  }
  std::string Path(std::string_view key, std::string_view fallback) {
    sr_str out{nullptr, 0};
    Check(api_->config_get_path(host_, ToStr(key), ToStr(fallback), &out));
    return std::string(View(out));
  }
  std::size_t ArrayLength(std::string_view key) {
    std::size_t out = 0;
    Check(api_->config_array_length(host_, ToStr(key), &out));
    return out;
  }
  // The keys of the mapping at `key`, in file order (empty when absent); read each value as
  // `key + "." + name`. Needs a 1.2 host: on an older one it throws sr::Error with
  // SR_ERR_UNSUPPORTED (test SR_HOST_API_HAS(host.api(), config_map_keys) to do without).
  std::vector<std::string> MapKeys(std::string_view key) {
    if (!SR_HOST_API_HAS(api_, config_map_keys)) {
      throw Error("listing the keys of '" + std::string(key) + "' needs a host with ABI 1.2",
                  SR_ERR_UNSUPPORTED);
    }
    struct Collected {
      std::vector<std::string> names;
      bool failed = false;
    } collected;
    // The callback runs under the host's frames: nothing may be thrown through them.
    Check(api_->config_map_keys(
        host_, ToStr(key),
        [](void* ctx, sr_str name) noexcept -> int32_t {
          auto& out = *static_cast<Collected*>(ctx);
          try {
            out.names.emplace_back(View(name));
            return 1;
          } catch (...) {
            out.failed = true;
            return 0;
          }
        },
        &collected));
    if (collected.failed) throw Error("out of memory listing '" + std::string(key) + "'");
    return std::move(collected.names);
  }
  // Refuses the value at `key` with the plugin's own reason: the host prints it with
  // plugins.yaml's file and line ("plugins.yaml:7:11: plugin 'x': key 'quotas.eu': message")
  // and the plugin is refused. Throws sr::Error; let it leave Init. A host older than 1.2
  // prints the same words without the line.
  [[noreturn]] void Reject(std::string_view key, std::string_view message) {
    if (SR_HOST_API_HAS(api_, config_error)) {
      api_->config_error(host_, ToStr(key), ToStr(message));
    } else {
      std::string text = "key '" + std::string(key) + "': " + std::string(message);
      api_->set_error(host_, ToStr(text));
    }
    throw Error(std::string(message), SR_ERR_INVALID_ARGUMENT);
  }
  // Refuses keys that no getter asked for. Call after reading everything.
  void Finish() { Check(api_->config_finish(host_)); }

 private:
  static void Check(sr_status status) {
    if (status != SR_OK) throw Error("invalid configuration", status);
  }
  const sr_host_api* api_;
  sr_host* host_;
};

// ---------------------------------------------------------------------------------------
// Handles owned by the plugin
// ---------------------------------------------------------------------------------------

// What Task, Stream and Subscription share: a move-only owner of one host handle that gives
// it back through the host API entry `kRelease` once, on destruction or when replaced.
template <typename Raw, void (*sr_host_api::*kRelease)(Raw*)>
class HostHandle {
 public:
  HostHandle() = default;
  HostHandle(const sr_host_api* api, Raw* raw) : api_(api), raw_(raw) {}
  HostHandle(HostHandle&& other) noexcept
      : api_(other.api_), raw_(std::exchange(other.raw_, nullptr)) {}
  HostHandle& operator=(HostHandle&& other) noexcept {
    if (this != &other) {
      GiveBack();
      api_ = other.api_;
      raw_ = std::exchange(other.raw_, nullptr);
    }
    return *this;
  }
  HostHandle(const HostHandle&) = delete;
  HostHandle& operator=(const HostHandle&) = delete;
  ~HostHandle() { GiveBack(); }

 protected:
  void GiveBack() {
    if (raw_ != nullptr) (api_->*kRelease)(std::exchange(raw_, nullptr));
  }

  const sr_host_api* api_ = nullptr;
  Raw* raw_ = nullptr;
};

// A periodic or delayed task; cancelled (and joined) on destruction.
class Task : public HostHandle<sr_task, &sr_host_api::task_cancel> {
 public:
  using HostHandle::HostHandle;
  void Cancel() { GiveBack(); }
};

// A reference to one event-stream client.
class Stream : public HostHandle<sr_stream, &sr_host_api::stream_release> {
 public:
  using HostHandle::HostHandle;

  // False once the client is gone (SR_ERR_CLOSED), an ordinary answer; throws on any other
  // failure.
  bool Send(std::string_view event, std::string_view data) {
    if (raw_ == nullptr) return false;
    sr_status status = api_->stream_send(raw_, ToStr(event), ToStr(data));
    if (status == SR_ERR_CLOSED) return false;
    detail::ThrowIfFailed(status, "cannot send to the event stream");
    return true;
  }
  // Ends the stream: the client sees the connection close (a browser reconnects). The handle
  // stays valid until released. False if the client was already gone, the stream already
  // closed, or the host is older than ABI 1.2.
  bool Close() {
    if (raw_ == nullptr || !SR_HOST_API_HAS(api_, stream_close)) return false;
    sr_status status = api_->stream_close(raw_);
    if (status == SR_ERR_CLOSED) return false;
    detail::ThrowIfFailed(status, "cannot close the event stream");
    return true;
  }
  void Release() { GiveBack(); }
};

class StreamGroup {
 public:
  StreamGroup() = default;
  StreamGroup(const sr_host_api* api, sr_stream_group* raw) : api_(api), raw_(raw) {}

  // Turns the request into an event stream of this group (from the handler, before it
  // returns). The returned Stream may be used to greet this one client.
  Stream Open(Request& request, Response& response) {
    sr_stream* stream = nullptr;
    detail::ThrowIfFailed(api_->stream_open(request.raw(), response.raw(), raw_, &stream),
                          "the host refused to open the event stream");
    return Stream(api_, stream);
  }
  std::uint64_t Broadcast(std::string_view event, std::string_view data, std::uint32_t flags = 0) {
    std::uint64_t id = 0;
    detail::ThrowIfFailed(api_->stream_group_broadcast(raw_, ToStr(event), ToStr(data), flags, &id),
                          "cannot broadcast " + std::string(event));
    return id;
  }
  std::size_t Clients() const { return raw_ == nullptr ? 0 : api_->stream_group_clients(raw_); }

 private:
  const sr_host_api* api_ = nullptr;
  sr_stream_group* raw_ = nullptr;
};

// Ends an event subscription on destruction.
class Subscription : public HostHandle<sr_subscription, &sr_host_api::event_unsubscribe> {
 public:
  using HostHandle::HostHandle;
  void Reset() { GiveBack(); }
};

struct RouteOptions {
  bool blocking = false;             // run on a worker thread: the handler may block
  std::uint64_t max_body_bytes = 0;  // 0: the server's limit
};

// ---------------------------------------------------------------------------------------
// The host, as seen by one plugin
// ---------------------------------------------------------------------------------------

// One item of a plugin's memory report (ABI 1.3): Host::PluginMemory() lists them.
struct PluginMemoryItem {
  std::string plugin;
  std::string item;
  std::uint64_t bytes = 0;
};

// What Plugin::ReportMemory fills: one Add per named item.
class MemoryReport {
 public:
  MemoryReport(sr_memory_item_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
  void Add(std::string_view item, std::uint64_t bytes) { fn_(ctx_, ToStr(item), bytes); }

 private:
  sr_memory_item_fn fn_;
  void* ctx_;
};

class Host {
 public:
  using Handler = std::function<void(Request&, Response&)>;
  using Guard = std::function<int32_t(Request&, Response&, std::string_view argument)>;
  using Filter = std::function<void(const Request&, Response&)>;
  using EventHandler = std::function<void(std::string_view topic, std::string_view payload)>;

  Host(sr_host* raw, const sr_host_api* api) : raw_(raw), api_(api), config_(api, raw) {}
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const sr_host_api* api() const { return api_; }
  sr_host* raw() const { return raw_; }
  Config& config() { return config_; }

  void Log(int level, std::string_view message) { api_->log(raw_, level, ToStr(message)); }
  void Debug(std::string_view message) { Log(SR_LOG_DEBUG, message); }
  void Info(std::string_view message) { Log(SR_LOG_INFO, message); }
  void Warn(std::string_view message) { Log(SR_LOG_WARN, message); }
  void LogError(std::string_view message) { Log(SR_LOG_ERROR, message); }

  void Route(std::string_view method, std::string_view pattern, std::string_view guard,
             Handler handler, RouteOptions options = {}) {
    auto& stored = Keep(std::move(handler));
    AddRoute(method, pattern, guard, &Host::HandlerTrampoline, &stored, options);
  }

  // A route answered by a member function, `host.Route<&Routes::Heartbeat>("POST", ..., this)`:
  // the host's call reaches `(object->*Method)(request, response)` through one trampoline,
  // with no std::function or lambda in between (for hot routes). Same barrier as above.
  // `object` must stay valid until the plugin's on_plugin_stop returns.
  template <auto Method, typename Object>
  void Route(std::string_view method, std::string_view pattern, std::string_view guard,
             Object* object, RouteOptions options = {}) {
    auto& stored = Keep(object);
    AddRoute(method, pattern, guard, &Host::MemberTrampoline<Method, Object>, &stored, options);
  }

  void RegisterGuard(std::string_view name, Guard guard) {
    auto& stored = Keep(std::move(guard));
    Check(api_->guard_register(raw_, ToStr(name), &Host::GuardTrampoline, &stored),
          "cannot register guard");
  }

  void AddResponseFilter(Filter filter) {
    auto& stored = Keep(std::move(filter));
    Check(api_->response_filter_add(raw_, &Host::FilterTrampoline, &stored),
          "cannot add response filter");
  }

  StreamGroup CreateStreamGroup(std::string_view name,
                                const sr_stream_group_options* options = nullptr) {
    sr_stream_group* group = nullptr;
    Check(api_->stream_group_create(raw_, ToStr(name), options, &group),
          "cannot create stream group");
    return StreamGroup(api_, group);
  }

  // Runs `fn` every `period`, first after `period` (or `initial_delay` when given).
  Task Every(std::string_view name, std::chrono::milliseconds period, std::function<void()> fn,
             std::optional<std::chrono::milliseconds> initial_delay = std::nullopt) {
    auto& stored = Keep(std::move(fn));
    sr_task* task = nullptr;
    Check(Schedule(name, &stored, initial_delay.value_or(period), period, &task),
          "cannot schedule task");
    return Task(api_, task);
  }

  // Runs `fn` once on a worker thread after `delay`. The host owns it; the closure is freed
  // once it has run, or when the plugin is destroyed if it never did.
  void Run(std::string_view name, std::function<void()> fn,
           std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    auto* slot = OneShotSlot(std::move(fn));
    sr_task_spec spec{};
    spec.struct_size = sizeof(spec);
    spec.name = ToStr(name);
    spec.fn = &Host::OneShotTrampoline;
    spec.ctx = slot;
    spec.initial_delay_ms = static_cast<std::uint64_t>(delay.count());
    spec.period_ms = 0;
    sr_status status = api_->task_schedule(raw_, &spec, nullptr);
    if (status != SR_OK) {
      DropOneShot(slot);
      detail::ThrowIfFailed(status, "cannot schedule task " + std::string(name));
    }
  }

  // Finishes the response later, from any thread: call in a handler, keep the returned
  // object (e.g. in a lambda) and call Complete() on it, or let it go out of scope.
  std::shared_ptr<DeferredResponse> Defer(Request& request, Response& response) {
    return sr::Defer(api_, request, response);
  }

  void Provide(std::string_view name, std::uint32_t version, const void* vtable) {
    Check(api_->service_provide(raw_, ToStr(name), version, vtable), "cannot provide service");
  }

  // The service's vtable, or nullptr when no enabled plugin provides it.
  template <typename VTable>
  const VTable* Lookup(std::string_view name, std::uint32_t min_version) {
    const void* out = nullptr;
    sr_status status = api_->service_lookup(raw_, ToStr(name), min_version, &out);
    if (status == SR_ERR_NOT_FOUND) return nullptr;
    Check(status, "cannot look up service " + std::string(name));
    auto* vtable = static_cast<const VTable*>(out);
    if (vtable->struct_size < sizeof(std::uint32_t)) return nullptr;
    return vtable;
  }

  Subscription Subscribe(std::string_view topic, EventHandler handler) {
    auto& stored = Keep(std::move(handler));
    sr_subscription* subscription = nullptr;
    Check(api_->event_subscribe(raw_, ToStr(topic), &Host::EventTrampoline, &stored, &subscription),
          "cannot subscribe to " + std::string(topic));
    return Subscription(api_, subscription);
  }

  // Throws sr::ShuttingDown once the host stops taking events, sr::Error (SR_ERR_UNAVAILABLE)
  // when its queue is full: the event was not published.
  void Publish(std::string_view topic, std::string_view json) {
    detail::ThrowIfFailed(api_->event_publish(raw_, ToStr(topic), ToStr(json)),
                          [topic] { return std::string("cannot publish ").append(topic); });
  }

  // The host's data folder for the plugin's files (empty if unavailable). ABI 1.1.
  std::string DataDir() const {
    if (!SR_HOST_API_HAS(api_, data_dir)) return "data";
    return std::string(View(api_->data_dir(raw_)));
  }

  sr_host_stats Stats() const {
    sr_host_stats stats{};
    stats.struct_size = sizeof(stats);
    detail::ThrowIfFailed(api_->stats_read(raw_, &stats), "cannot read the host's statistics");
    return stats;
  }

  // Keeps `fn` until the plugin is destroyed; the pointer is a ctx for C callbacks that other
  // SDK headers register (sr/metrics.hpp's collectors).
  std::function<void()>* KeepCallback(std::function<void()> fn) { return &Keep(std::move(fn)).fn; }

  std::vector<ErrorEntry> Errors(std::uint64_t after_sequence, std::size_t limit,
                                 bool newest_first) const {
    std::vector<ErrorEntry> entries;
    sr_status status = api_->error_log_read(
        raw_, after_sequence, limit, newest_first ? 1 : 0,
        [](void* ctx, const sr_error_entry* entry) noexcept -> int32_t {
          try {
            auto* out = static_cast<std::vector<ErrorEntry>*>(ctx);
            out->push_back(
                ErrorEntry{entry->sequence, entry->status, entry->timestamp_ms,
                           std::string(View(entry->method)), std::string(View(entry->path)),
                           std::string(View(entry->message)), std::string(View(entry->client_ip))});
            return 1;
          } catch (...) {
            return 0;
          }
        },
        &entries);
    detail::ThrowIfFailed(status, "cannot read the host's error log");
    return entries;
  }

  // Every running plugin's memory report (ABI 1.3), item by item in start order. Empty on a
  // host older than 1.3, which has no reports to give.
  std::vector<PluginMemoryItem> PluginMemory() const {
    std::vector<PluginMemoryItem> items;
    if (!SR_HOST_API_HAS(api_, plugin_memory_read)) return items;
    bool failed = false;
    auto state = std::make_pair(&items, &failed);
    sr_status status = api_->plugin_memory_read(
        raw_,
        [](void* ctx, sr_str plugin, sr_str item, uint64_t bytes) noexcept {
          auto* out = static_cast<std::pair<std::vector<PluginMemoryItem>*, bool*>*>(ctx);
          try {
            out->first->push_back(
                PluginMemoryItem{std::string(View(plugin)), std::string(View(item)), bytes});
          } catch (...) {
            *out->second = true;
          }
        },
        &state);
    detail::ThrowIfFailed(status, "cannot read the plugins' memory reports");
    if (failed) throw Error("out of memory reading the plugins' memory reports");
    return items;
  }

  // Says whether this plugin can do its work (ABI 1.4): GET /health answers "degraded" and
  // names the plugin with `reason` while it is; SetHealth(false, {}) when it recovered. Call
  // it on every transition, from any thread. Does nothing on a host older than 1.4, whose
  // /health cannot say it.
  void SetHealth(bool degraded, std::string_view reason) {
    if (!SR_HOST_API_HAS(api_, health_set)) return;
    api_->health_set(raw_, degraded ? 1 : 0, ToStr(reason));
  }

  // The address the server listens on, "<bind>:<port>" with the actual port (ABI 1.4), known
  // from Init on. Empty on a host older than 1.4.
  std::string ServerEndpoint() const {
    if (!SR_HOST_API_HAS(api_, server_endpoint)) return std::string();
    return std::string(View(api_->server_endpoint(raw_)));
  }

 private:
  // A callback together with the Host it belongs to; the host passes a pointer to it back
  // as the callback's ctx.
  template <typename Fn>
  struct Bound {
    Host* host;
    Fn fn;
  };

  void AddRoute(std::string_view method, std::string_view pattern, std::string_view guard,
                sr_handler_fn handler, void* ctx, const RouteOptions& options) {
    sr_route route{};
    route.struct_size = sizeof(route);
    route.flags = options.blocking ? static_cast<std::uint32_t>(SR_ROUTE_BLOCKING) : 0u;
    route.method = ToStr(method);
    route.pattern = ToStr(pattern);
    route.guard = ToStr(guard);
    route.handler = handler;
    route.ctx = ctx;
    route.max_body_bytes = options.max_body_bytes;
    sr_status status = api_->route_add(raw_, &route);
    if (status != SR_OK) {
      throw Error("cannot add route " + std::string(method) + " " + std::string(pattern), status);
    }
  }

  // What a route handler's exception becomes (see HandlerTrampoline).
  static sr_status HandlerFailed(Host* host, sr_response* resp) noexcept;

  template <typename Fn>
  Bound<Fn>& Keep(Fn fn) {
    auto holder = std::make_shared<Bound<Fn>>(Bound<Fn>{this, std::move(fn)});
    Bound<Fn>& ref = *holder;
    std::lock_guard<std::mutex> lock(mutex_);
    kept_.push_back(std::move(holder));
    return ref;
  }

  using OneShot = Bound<std::function<void()>>;

  OneShot* OneShotSlot(std::function<void()> fn) {
    auto holder = std::make_unique<OneShot>(OneShot{this, std::move(fn)});
    auto* raw = holder.get();
    std::lock_guard<std::mutex> lock(mutex_);
    one_shots_.emplace(raw, std::move(holder));
    return raw;
  }

  // Takes a one-shot closure back out of the table (nullptr if already taken).
  std::unique_ptr<OneShot> TakeOneShot(OneShot* slot) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = one_shots_.find(slot);
    if (it == one_shots_.end()) return nullptr;
    auto owned = std::move(it->second);
    one_shots_.erase(it);
    return owned;
  }

  void DropOneShot(OneShot* slot) { TakeOneShot(slot); }

  sr_status Schedule(std::string_view name, Bound<std::function<void()>>* fn,
                     std::chrono::milliseconds initial_delay, std::chrono::milliseconds period,
                     sr_task** out) {
    sr_task_spec spec{};
    spec.struct_size = sizeof(spec);
    spec.name = ToStr(name);
    spec.fn = &Host::TaskTrampoline;
    spec.ctx = fn;
    spec.initial_delay_ms = static_cast<std::uint64_t>(initial_delay.count());
    spec.period_ms = static_cast<std::uint64_t>(period.count());
    return api_->task_schedule(raw_, &spec, out);
  }

  void Check(sr_status status, const std::string& what) { detail::ThrowIfFailed(status, what); }

  static sr_status HandlerTrampoline(void* ctx, sr_request* req, sr_response* resp) noexcept;
  template <auto Method, typename Object>
  static sr_status MemberTrampoline(void* ctx, sr_request* req, sr_response* resp) noexcept;
  static int32_t GuardTrampoline(void* ctx, sr_request* req, sr_response* resp,
                                 sr_str argument) noexcept;
  static void FilterTrampoline(void* ctx, const sr_request* req, sr_response* resp) noexcept;
  static void EventTrampoline(void* ctx, sr_str topic, sr_str payload) noexcept;
  static void TaskTrampoline(void* ctx) noexcept;
  static void OneShotTrampoline(void* ctx) noexcept;

  sr_host* raw_;
  const sr_host_api* api_;
  Config config_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<void>> kept_;
  std::unordered_map<OneShot*, std::unique_ptr<OneShot>> one_shots_;

  template <typename T>
  friend struct PluginGlue;
};

// ---------------------------------------------------------------------------------------
// The plugin base class and its declaration macro
// ---------------------------------------------------------------------------------------

struct Capability {
  std::string name;
  std::uint32_t version = 1;
  std::uint32_t kind = SR_CAPABILITY_SERVICE;
};

inline Capability Service(std::string name, std::uint32_t version) {
  return Capability{std::move(name), version, SR_CAPABILITY_SERVICE};
}
inline Capability GuardCapability(std::string name) {
  return Capability{std::move(name), 1, SR_CAPABILITY_GUARD};
}

struct PluginInfo {
  std::string id;
  std::string version;
  std::string description;
  std::vector<Capability> provides;
  std::vector<Capability> required;  // hard dependencies
  std::vector<Capability> uses;      // optional dependencies
};

class Plugin {
 public:
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
  virtual ~Plugin() = default;

  // Read config, register routes, tasks, services. Throw to refuse the plugin.
  virtual void Init(Host& host) = 0;
  // After every plugin is initialized. Throw to abort start-up.
  virtual void Start() {}
  // At shutdown, after the plugin's tasks were joined. Flush what must be kept.
  virtual void Stop() {}
  // The memory the plugin holds, by named item (ABI 1.3): shown in /api/stats and on the
  // dashboard. Called from any thread while the plugin runs, concurrently with its work:
  // read only what is safe to read there, and do not block. Reports nothing by default.
  virtual void ReportMemory(MemoryReport& report) const { (void)report; }
};

namespace detail {

inline void LogException(const sr_host_api* api, sr_host* host, const char* where) noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    std::string message = std::string(where) + " threw: " + e.what();
    api->log(host, SR_LOG_ERROR, ToStr(message));
  } catch (...) {
    std::string message = std::string(where) + " threw a non-standard exception";
    api->log(host, SR_LOG_ERROR, ToStr(message));
  }
}

template <typename T>
struct Instance {
  Instance(sr_host* raw, const sr_host_api* api) : host(raw, api) {}
  Host host;
  T plugin;
};

}  // namespace detail

template <typename T>
struct PluginGlue {
  static sr_status Init(sr_host* raw, const sr_host_api* api, void** out) noexcept {
    try {
      auto instance = std::make_unique<detail::Instance<T>>(raw, api);
      instance->plugin.Init(instance->host);
      *out = instance.release();
      return SR_OK;
    } catch (const Error& e) {
      api->set_error(raw, ToStr(e.what()));
      return e.status() == SR_OK ? SR_ERR_INTERNAL : e.status();
    } catch (const std::exception& e) {
      api->set_error(raw, ToStr(e.what()));
      return SR_ERR_INTERNAL;
    } catch (...) {
      api->set_error(raw, ToStr("Init threw a non-standard exception"));
      return SR_ERR_INTERNAL;
    }
  }
  static sr_status Start(void* ctx) noexcept {
    auto* instance = static_cast<detail::Instance<T>*>(ctx);
    try {
      instance->plugin.Start();
      return SR_OK;
    } catch (const std::exception& e) {
      instance->host.api()->set_error(instance->host.raw(), ToStr(e.what()));
      return SR_ERR_INTERNAL;
    } catch (...) {
      instance->host.api()->set_error(instance->host.raw(),
                                      ToStr("Start threw a non-standard exception"));
      return SR_ERR_INTERNAL;
    }
  }
  static void Stop(void* ctx) noexcept {
    auto* instance = static_cast<detail::Instance<T>*>(ctx);
    try {
      instance->plugin.Stop();
    } catch (...) {
      detail::LogException(instance->host.api(), instance->host.raw(), "Stop");
    }
  }
  static sr_status Memory(void* ctx, sr_memory_item_fn fn, void* fn_ctx) noexcept {
    auto* instance = static_cast<detail::Instance<T>*>(ctx);
    try {
      MemoryReport report(fn, fn_ctx);
      instance->plugin.ReportMemory(report);
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;  // the items reported so far stand
    }
  }
  static void Destroy(void* ctx) noexcept {
    std::unique_ptr<detail::Instance<T>> instance(static_cast<detail::Instance<T>*>(ctx));
    try {
      instance.reset();
    } catch (...) {
      // A destructor that throws has nowhere to report to; swallowing keeps the host alive.
    }
  }
};

namespace detail {

// `TargetMinor` is SR_ABI_TARGET_MINOR where SR_DECLARE_PLUGIN expands, so that the value the
// author set before including the SDK is the one stamped.
template <typename T, std::uint16_t TargetMinor>
struct DescriptorHolder {
  static_assert(TargetMinor <= SR_ABI_MINOR, "SR_ABI_TARGET_MINOR is newer than this SDK");
  explicit DescriptorHolder(PluginInfo info_in) : info(std::move(info_in)) {
    Fill(info.provides, provides);
    Fill(info.required, required);
    Fill(info.uses, uses);
    descriptor.struct_size = sizeof(sr_plugin_descriptor);
    descriptor.abi_major = SR_ABI_MAJOR;
    descriptor.abi_minor = TargetMinor;
    descriptor.id = info.id.c_str();
    descriptor.version = info.version.c_str();
    descriptor.description = info.description.c_str();
    descriptor.provides = provides.data();
    descriptor.provides_count = provides.size();
    descriptor.required = required.data();
    descriptor.required_count = required.size();
    descriptor.uses = uses.data();
    descriptor.uses_count = uses.size();
    descriptor.on_plugin_init = &PluginGlue<T>::Init;
    descriptor.on_plugin_start = &PluginGlue<T>::Start;
    descriptor.on_plugin_stop = &PluginGlue<T>::Stop;
    descriptor.on_plugin_destroy = &PluginGlue<T>::Destroy;
    descriptor.on_plugin_memory = &PluginGlue<T>::Memory;
  }
  static void Fill(const std::vector<Capability>& from, std::vector<sr_capability>& to) {
    for (const auto& capability : from) {
      to.push_back(sr_capability{capability.name.c_str(), capability.version, capability.kind});
    }
  }
  PluginInfo info;
  std::vector<sr_capability> provides;
  std::vector<sr_capability> required;
  std::vector<sr_capability> uses;
  sr_plugin_descriptor descriptor{};
};

template <typename T, std::uint16_t TargetMinor = SR_ABI_TARGET_MINOR>
const sr_plugin_descriptor* DescriptorFor() noexcept {
  try {
    static const DescriptorHolder<T, TargetMinor> holder(T::Info());
    return &holder.descriptor;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Trampolines: the noexcept barrier between the host and plugin code
// ---------------------------------------------------------------------------------------

inline sr_status Host::HandlerFailed(Host* host, sr_response* resp) noexcept {
  const sr_host_api* api = host->api_;
  // The response may no longer be the handler's to answer: it may have deferred it (another
  // thread now completes it) or turned it into an event stream. Claiming it with
  // response_defer tells which: only when the host agrees is the 500 written, and the
  // response completed here; otherwise the exception is only logged.
  if (api->response_defer(resp) == SR_OK) {
    detail::LogException(api, host->raw_, "route handler");
    api->response_error(resp, 500, ToStr("internal error"));
    api->response_complete(resp);
  } else {
    detail::LogException(api, host->raw_,
                         "route handler (after handing its response off, which stays as is)");
  }
  return SR_ERR_INTERNAL;
}

inline sr_status Host::HandlerTrampoline(void* ctx, sr_request* req, sr_response* resp) noexcept {
  auto& bound = *static_cast<Bound<Handler>*>(ctx);
  const sr_host_api* api = bound.host->api_;
  try {
    Request request(api, req);
    Response response(api, resp);
    bound.fn(request, response);
    return SR_OK;
  } catch (...) {
    return HandlerFailed(bound.host, resp);
  }
}

template <auto Method, typename Object>
sr_status Host::MemberTrampoline(void* ctx, sr_request* req, sr_response* resp) noexcept {
  auto& bound = *static_cast<Bound<Object*>*>(ctx);
  const sr_host_api* api = bound.host->api_;
  try {
    Request request(api, req);
    Response response(api, resp);
    (bound.fn->*Method)(request, response);
    return SR_OK;
  } catch (...) {
    return HandlerFailed(bound.host, resp);
  }
}

inline int32_t Host::GuardTrampoline(void* ctx, sr_request* req, sr_response* resp,
                                     sr_str argument) noexcept {
  auto& bound = *static_cast<Bound<Guard>*>(ctx);
  const sr_host_api* api = bound.host->api_;
  try {
    Request request(api, req);
    Response response(api, resp);
    return bound.fn(request, response, View(argument));
  } catch (...) {
    // A guard that fails must fail closed.
    detail::LogException(api, bound.host->raw_, "guard");
    return SR_GUARD_DENY;
  }
}

inline void Host::FilterTrampoline(void* ctx, const sr_request* req, sr_response* resp) noexcept {
  auto& bound = *static_cast<Bound<Filter>*>(ctx);
  const sr_host_api* api = bound.host->api_;
  try {
    const Request request(api, const_cast<sr_request*>(req));
    Response response(api, resp);
    bound.fn(request, response);
  } catch (...) {
    detail::LogException(api, bound.host->raw_, "response filter");
  }
}

inline void Host::EventTrampoline(void* ctx, sr_str topic, sr_str payload) noexcept {
  auto& bound = *static_cast<Bound<EventHandler>*>(ctx);
  try {
    bound.fn(View(topic), View(payload));
  } catch (...) {
    detail::LogException(bound.host->api_, bound.host->raw_, "event handler");
  }
}

inline void Host::TaskTrampoline(void* ctx) noexcept {
  auto& bound = *static_cast<Bound<std::function<void()>>*>(ctx);
  try {
    bound.fn();
  } catch (...) {
    detail::LogException(bound.host->api_, bound.host->raw_, "task");
  }
}

inline void Host::OneShotTrampoline(void* ctx) noexcept {
  auto* slot = static_cast<OneShot*>(ctx);
  Host* host = slot->host;
  std::unique_ptr<OneShot> owned = host->TakeOneShot(slot);
  if (owned == nullptr) return;
  try {
    owned->fn();
  } catch (...) {
    detail::LogException(host->api_, host->raw_, "task");
  }
}

}  // namespace sr

// Exports the plugin's entry symbol. Use once per plugin, at namespace scope:
//   SR_DECLARE_PLUGIN(MyPlugin)
// MyPlugin needs a default constructor, `static sr::PluginInfo Info()` and Init(). The
// descriptor states SR_ABI_TARGET_MINOR as the oldest host minor the plugin needs.
#define SR_DECLARE_PLUGIN(PluginClass)                                               \
  extern "C" SR_PLUGIN_EXPORT const sr_plugin_descriptor* sr_plugin_entry_v1(void) { \
    return ::sr::detail::DescriptorFor<PluginClass, SR_ABI_TARGET_MINOR>();          \
  }

#endif  // SR_PLUGIN_HPP
