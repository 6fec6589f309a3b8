// The sr_host_api table of sr::testing::FakeHost: one function per entry, each behind a
// noexcept barrier, each following the contract that sr/abi.h documents for it (and what
// host/src/plugins/host_api.cpp does). They operate on HostState (fake_state.hpp); handles
// given to plugins are HostState objects behind reinterpret_cast, or unique_ptr::release()d
// references that the matching release function reclaims.
#ifndef SR_TESTING_FAKE_ABI_HPP
#define SR_TESTING_FAKE_ABI_HPP

#include <sr/abi.h>
#include <sr/plugin.hpp>
#include <sr/testing/fake_state.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <type_traits>

namespace sr::testing::fake_detail {

// The noexcept barrier around every table entry. Lookups answering 1/0 share int32_t with
// sr_status, so the failure value is chosen per entry rather than by type.
template <auto Fn, bool kReturnsStatus>
struct Barrier;
template <typename Result, typename... Args, Result (*Fn)(Args...), bool kReturnsStatus>
struct Barrier<Fn, kReturnsStatus> {
  static Result Call(Args... args) noexcept {
    try {
      return Fn(args...);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sr::testing::FakeHost: a host API call threw: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "sr::testing::FakeHost: a host API call threw\n");
    }
    if constexpr (kReturnsStatus) {
      return SR_ERR_INTERNAL;
    } else if constexpr (!std::is_void_v<Result>) {
      return Result{};
    }
  }
};

struct Abi {
  using Slot = PluginSlot;
  using Phase = Exchange::Phase;

  static Slot& SlotOf(const sr_host* host) {
    return *reinterpret_cast<Slot*>(const_cast<sr_host*>(host));
  }
  static HostState& HostOf(const sr_host* host) { return *SlotOf(host).host; }
  static sr_host* HandleOf(Slot& slot) { return reinterpret_cast<sr_host*>(&slot); }
  template <typename Handle>
  static Exchange& Of(const Handle* handle) {
    return *reinterpret_cast<Exchange*>(const_cast<Handle*>(handle));
  }
  static StreamGroupState& GroupOf(const sr_stream_group* group) {
    return *reinterpret_cast<StreamGroupState*>(const_cast<sr_stream_group*>(group));
  }
  static int32_t Find(const Headers& items, sr_str name, sr_str* out) {
    for (const auto& [key, value] : items) {
      if (key == View(name)) {
        if (out != nullptr) *out = ToStr(value);
        return 1;
      }
    }
    return 0;
  }

  // ---- identity, logging, configuration ----

  static sr_str HostVersion(const sr_host*) { return ToStr("0.0.0-fake"); }
  static void Log(sr_host* host, int32_t level, sr_str message) {
    HostOf(host).AddLog(SlotOf(host).id, level, OneLine(View(message)));
  }
  static void SetError(sr_host* host, sr_str message) {
    HostOf(host).RecordError(SlotOf(host), OneLine(View(message)));
  }
  // abi.h: "THREAD: main thread, during on_plugin_init". Refused and logged otherwise.
  static bool DuringInit(sr_host* host, std::string_view call) {
    Slot& slot = SlotOf(host);
    if (slot.init_thread.load() == std::this_thread::get_id()) return true;
    HostOf(host).AddLog(slot.id, SR_LOG_ERROR,
                        std::string(call) +
                            " refused: it may only be called from on_plugin_init, on the "
                            "thread running it");
    return false;
  }
  // Runs a getter; a ConfigError becomes the plugin's recorded error and a status.
  template <typename Fn>
  static sr_status ConfigCall(sr_host* host, std::string_view call, Fn&& fn) {
    if (!DuringInit(host, call)) return SR_ERR_FAILED_PRECONDITION;
    try {
      fn(*SlotOf(host).config);
      return SR_OK;
    } catch (const ConfigError& e) {
      HostOf(host).RecordError(SlotOf(host), e.what());
      return SR_ERR_INVALID_ARGUMENT;
    }
  }
  static sr_str Keep(sr_host* host, std::string text) {  // lives until the plugin is destroyed
    std::lock_guard<std::mutex> lock(HostOf(host).mutex);
    SlotOf(host).kept.push_back(std::move(text));
    return ToStr(SlotOf(host).kept.back());
  }
  static sr_str ConfigJson(sr_host* host) {
    if (!DuringInit(host, "config_json")) return ToStr("");
    return ToStr(SlotOf(host).config->Json());
  }
  static int32_t ConfigHas(sr_host* host, sr_str key) {
    if (!DuringInit(host, "config_has")) return 0;
    return SlotOf(host).config->Has(View(key)) ? 1 : 0;
  }
  static sr_status ConfigGetString(sr_host* host, sr_str key, sr_str fallback, sr_str* out) {
    return ConfigCall(host, "config_get_string",
                      [&](auto& c) { *out = Keep(host, c.GetString(View(key), View(fallback))); });
  }
  static sr_status ConfigGetInt(sr_host* host, sr_str key, int64_t fallback, int64_t min,
                                int64_t max, int64_t* out) {
    return ConfigCall(host, "config_get_int",
                      [&](auto& c) { *out = c.GetInt(View(key), fallback, min, max); });
  }
  static sr_status ConfigGetBool(sr_host* host, sr_str key, int32_t fallback, int32_t* out) {
    return ConfigCall(host, "config_get_bool",
                      [&](auto& c) { *out = c.GetBool(View(key), fallback != 0) ? 1 : 0; });
  }
  static sr_status ConfigGetDurationMs(sr_host* host, sr_str key, int64_t fallback, int64_t min,
                                       int64_t max, int64_t* out) {
    return ConfigCall(host, "config_get_duration_ms",
                      [&](auto& c) { *out = c.GetDurationMs(View(key), fallback, min, max); });
  }
  static sr_status ConfigGetBytes(sr_host* host, sr_str key, uint64_t fallback, uint64_t min,
                                  uint64_t max, uint64_t* out) {
    return ConfigCall(host, "config_get_bytes",
                      [&](auto& c) { *out = c.GetBytes(View(key), fallback, min, max); });
  }
  static sr_status ConfigGetPath(sr_host* host, sr_str key, sr_str fallback, sr_str* out) {
    return ConfigCall(host, "config_get_path",
                      [&](auto& c) { *out = Keep(host, c.GetPath(View(key), View(fallback))); });
  }
  static sr_status ConfigArrayLength(sr_host* host, sr_str key, size_t* out) {
    return ConfigCall(host, "config_array_length",
                      [&](auto& c) { *out = c.ArrayLength(View(key)); });
  }
  static sr_status ConfigFinish(sr_host* host) {
    return ConfigCall(host, "config_finish", [](auto& c) { c.Finish(); });
  }
  static sr_status ConfigMapKeys(sr_host* host, sr_str key, sr_config_key_fn fn, void* ctx) {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::vector<std::string> names;
    sr_status status = ConfigCall(host, "config_map_keys", [&](auto& c) {
      for (std::string& name : c.MapKeys(View(key))) names.push_back(std::move(name));
    });
    if (status != SR_OK) return status;
    for (const std::string& name : names) {  // kept: the views live until destroy
      if (fn(ctx, Keep(host, name)) == 0) break;
    }
    return SR_OK;
  }
  static sr_status ConfigErrorAt(sr_host* host, sr_str key, sr_str message) {
    sr_status status = ConfigCall(host, "config_error", [&](auto& c) {
      c.RejectWithReason(View(key), OneLine(View(message)));
    });
    return status == SR_OK ? SR_ERR_INTERNAL : status;
  }

  // ---- routes, guards, filters ----

  static sr_status RouteAdd(sr_host* host, const sr_route* in) {
    Slot& slot = SlotOf(host);
    HostState& state = HostOf(host);
    if (in == nullptr || in->struct_size < offsetof(sr_route, max_body_bytes)) {
      state.RecordError(slot, "route_add: malformed sr_route");
      return SR_ERR_INVALID_ARGUMENT;
    }
    sr_route spec = CopyStruct(in, in->struct_size);
    std::string method(View(spec.method));
    std::string where = "route " + method + " " + std::string(View(spec.pattern)) + ": ";
    bool upper =
        !method.empty() && method.size() <= 16 &&
        std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    std::string problem;
    std::optional<GuardExpression> guard;
    if (!upper) {
      problem = "the method must be an upper-case HTTP method";
    } else if (spec.handler == nullptr) {
      problem = "no handler";
    } else {
      guard = ParseGuardExpression(View(spec.guard), problem);
    }
    if (!guard) {
      state.RecordError(slot, where + problem);
      return SR_ERR_INVALID_ARGUMENT;
    }
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      if (slot.stopping) return SR_ERR_FAILED_PRECONDITION;
      problem = state.routes.Add(RouteEntry{method,
                                            std::string(View(spec.pattern)),
                                            std::move(*guard),
                                            spec.handler,
                                            spec.ctx,
                                            spec.flags,
                                            spec.max_body_bytes,
                                            &slot,
                                            slot.id,
                                            {}});
    }
    if (problem.empty()) return SR_OK;
    state.RecordError(slot, problem);
    return problem.find("claimed by both") != std::string::npos ? SR_ERR_ALREADY_EXISTS
                                                                : SR_ERR_INVALID_ARGUMENT;
  }
  static sr_status GuardRegister(sr_host* host, sr_str name, sr_guard_fn fn, void* ctx) {
    Slot& slot = SlotOf(host);
    if (!DuringInit(host, "guard_register")) return SR_ERR_FAILED_PRECONDITION;
    std::string guard(View(name));
    if (fn == nullptr || guard.empty()) return SR_ERR_INVALID_ARGUMENT;
    if (!slot.Declares(SR_CAPABILITY_GUARD, guard, true)) {
      HostOf(host).RecordError(slot,
                               "guard '" + guard + "' is not listed in the plugin's provides");
      return SR_ERR_FAILED_PRECONDITION;
    }
    std::unique_lock<std::mutex> lock(HostOf(host).mutex);
    if (HostOf(host).guards.emplace(guard, GuardEntry{fn, ctx, &slot}).second) {
      return SR_OK;
    }
    lock.unlock();
    HostOf(host).RecordError(slot, "guard '" + guard + "' is already registered by another plugin");
    return SR_ERR_ALREADY_EXISTS;
  }
  static sr_status ResponseFilterAdd(sr_host* host, sr_response_filter_fn fn, void* ctx) {
    if (!DuringInit(host, "response_filter_add")) return SR_ERR_FAILED_PRECONDITION;
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::lock_guard<std::mutex> lock(HostOf(host).mutex);
    HostOf(host).filters.push_back(FilterEntry{fn, ctx, &SlotOf(host)});
    return SR_OK;
  }

  // ---- requests ----

  static sr_str RequestMethod(const sr_request* r) { return ToStr(Of(r).method); }
  static sr_str RequestPath(const sr_request* r) { return ToStr(Of(r).path); }
  static sr_str RequestQuery(const sr_request* r) { return ToStr(Of(r).query); }
  static sr_str RequestBody(const sr_request* r) { return ToStr(Of(r).body); }
  static sr_str RequestClientIp(const sr_request* r) { return ToStr(Of(r).client_ip); }
  static int32_t RequestIsSecure(const sr_request* r) { return Of(r).secure ? 1 : 0; }
  static int32_t RequestHeader(const sr_request* r, sr_str name, sr_str* out) {
    for (const auto& [key, value] : Of(r).headers) {
      if (EqualsIgnoreCase(key, View(name))) {
        if (out != nullptr) *out = ToStr(value);
        return 1;
      }
    }
    return 0;
  }
  static int32_t RequestHeaderAt(const sr_request* r, size_t index, sr_str* name, sr_str* value) {
    const Headers& headers = Of(r).headers;
    if (index >= headers.size()) return 0;
    if (name != nullptr) *name = ToStr(headers[index].first);
    if (value != nullptr) *value = ToStr(headers[index].second);
    return 1;
  }
  static int32_t RequestPathParam(const sr_request* r, sr_str name, sr_str* out) {
    return Find(Of(r).path_params, name, out);
  }
  static int32_t RequestQueryParam(const sr_request* r, sr_str name, sr_str* out) {
    return Find(Of(r).query_params, name, out);
  }
  static int32_t RequestCookie(const sr_request* r, sr_str name, sr_str* out) {
    return Find(Of(r).cookies, name, out);
  }
  static sr_status RequestSetAttribute(sr_request* r, sr_str name, sr_str value) {
    for (auto& [key, stored] : Of(r).attributes) {
      if (key == View(name)) {
        stored = std::string(View(value));
        return SR_OK;
      }
    }
    Of(r).attributes.emplace_back(std::string(View(name)), std::string(View(value)));
    return SR_OK;
  }
  static int32_t RequestAttribute(const sr_request* r, sr_str name, sr_str* out) {
    return Find(Of(r).attributes, name, out);
  }

  // ---- responses ----

  static void ResponseSetStatus(sr_response* r, int32_t status) {
    Of(r).response.status = (status < 100 || status > 999) ? 500 : status;
    Of(r).response.touched = true;
  }
  static int32_t ResponseStatus(const sr_response* r) { return Of(r).response.status; }
  static sr_status ResponseAddHeader(sr_response* r, sr_str name_in, sr_str value_in) {
    std::string_view name = View(name_in);
    std::string_view value = View(value_in);
    if (name.empty() || name.size() > 256 || value.size() > 8192 ||
        !std::all_of(name.begin(), name.end(), IsTokenChar) ||
        value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      return SR_ERR_INVALID_ARGUMENT;
    }
    ResponseState& state = Of(r).response;
    if (EqualsIgnoreCase(name, "content-type")) {  // has its own setter
      state.content_type = std::string(value);
    } else {
      for (std::string_view owned : {"content-length", "transfer-encoding", "connection", "date"}) {
        if (EqualsIgnoreCase(name, owned)) return SR_ERR_INVALID_ARGUMENT;
      }
      state.headers.emplace_back(std::string(name), std::string(value));
    }
    state.touched = true;
    return SR_OK;
  }
  static int32_t ResponseHeader(const sr_response* r, sr_str name, sr_str* out) {
    const ResponseState& state = Of(r).response;
    if (EqualsIgnoreCase(View(name), "content-type")) {
      if (state.content_type.empty()) return 0;
      if (out != nullptr) *out = ToStr(state.content_type);
      return 1;
    }
    for (const auto& [key, value] : state.headers) {
      if (EqualsIgnoreCase(key, View(name))) {
        if (out != nullptr) *out = ToStr(value);
        return 1;
      }
    }
    return 0;
  }
  static void SetContentType(ResponseState& state, sr_str type) {
    if (type.size > 0 && View(type).find_first_of("\r\n") == std::string_view::npos) {
      state.content_type = std::string(View(type));
    }
  }
  static void ResponseSetBody(sr_response* r, sr_str body, sr_str content_type) {
    ResponseState& state = Of(r).response;
    state.shared.reset();
    state.body = std::string(View(body));
    SetContentType(state, content_type);
    state.touched = true;
  }
  static void ResponseAppendBody(sr_response* r, sr_str chunk) {
    ResponseState& state = Of(r).response;
    if (state.shared) {  // like the host: appending to a shared body starts a new one
      state.shared.reset();
      state.body.clear();
    }
    state.body.append(View(chunk));
    state.touched = true;
  }
  static void ResponseSetBodyShared(sr_response* r, sr_str body, sr_str content_type,
                                    sr_release_fn release, void* release_ctx) {
    ResponseState& state = Of(r).response;
    state.body.clear();
    // Copied only when the response is finished, so that bytes freed too early show up
    // under AddressSanitizer as they would corrupt a real response.
    state.shared = std::make_unique<SharedBody>(body, release, release_ctx);
    SetContentType(state, content_type);
    state.touched = true;
  }
  static sr_status ResponseSendFile(sr_response* r, int32_t fd, uint64_t offset, uint64_t length,
                                    sr_str content_type) {
    struct Closer {
      int owned_fd;
      ~Closer() {
        if (owned_fd >= 0) ::close(owned_fd);
      }
    } file{fd};  // OWNERSHIP: the host closes the fd, also on failure
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return SR_ERR_INVALID_ARGUMENT;
    auto size = static_cast<uint64_t>(info.st_size);
    if (offset > size || length > size - offset) return SR_ERR_INVALID_ARGUMENT;
    std::string bytes(static_cast<size_t>(length), '\0');
    for (size_t done = 0; done < bytes.size();) {
      ssize_t got =
          ::pread(fd, &bytes[done], bytes.size() - done, static_cast<off_t>(offset + done));
      if (got <= 0) return SR_ERR_UNAVAILABLE;
      done += static_cast<size_t>(got);
    }
    ResponseSetBody(r, ToStr(bytes), content_type);
    return SR_OK;
  }
  static void ResponseError(sr_response* r, int32_t status, sr_str message) {
    SetErrorResponse(Of(r).response, (status < 100 || status > 999) ? 500 : status,
                     std::string(View(message)));
  }
  static sr_status ResponseDefer(sr_response* r) {
    Exchange& exchange = Of(r);
    auto expected = Phase::kHandling;
    if (!exchange.phase.compare_exchange_strong(expected, Phase::kDeferred)) {
      return SR_ERR_FAILED_PRECONDITION;
    }
    std::lock_guard<std::mutex> lock(exchange.host->mutex);
    exchange.host->deferred.push_back(exchange.shared_from_this());
    return SR_OK;
  }
  static sr_status ResponseComplete(sr_response* r) {
    Exchange& exchange = Of(r);
    auto expected = Phase::kDeferred;
    if (!exchange.phase.compare_exchange_strong(expected, Phase::kCompleted)) {
      return SR_ERR_FAILED_PRECONDITION;
    }
    std::shared_ptr<Exchange> keep = exchange.shared_from_this();
    {
      std::lock_guard<std::mutex> lock(exchange.host->mutex);
      auto& deferred = exchange.host->deferred;
      deferred.erase(std::remove(deferred.begin(), deferred.end(), keep), deferred.end());
    }
    // Last touch of the host: once `done` is seen, Call may return and the host may go.
    {
      std::lock_guard<std::mutex> lock(keep->mutex);
      keep->done = true;
    }
    keep->done_changed.notify_all();
    return SR_OK;
  }

  // ---- streams ----

  static sr_status StreamGroupCreate(sr_host* host, sr_str name,
                                     const sr_stream_group_options* options,
                                     sr_stream_group** out) {
    if (!DuringInit(host, "stream_group_create")) return SR_ERR_FAILED_PRECONDITION;
    if (out == nullptr || name.size == 0) return SR_ERR_INVALID_ARGUMENT;
    auto group = std::make_unique<StreamGroupState>();
    group->host = &HostOf(host);
    group->owner = &SlotOf(host);
    group->name = std::string(View(name));
    if (options != nullptr) group->options = CopyStruct(options, options->struct_size);
    auto& o = group->options;  // zero fields take the ABI's defaults
    o.replay_events = o.replay_events != 0 ? o.replay_events : 256;
    o.replay_bytes = o.replay_bytes != 0 ? o.replay_bytes : 4u << 20;
    o.max_clients = o.max_clients != 0 ? o.max_clients : 10000;
    std::unique_lock<std::mutex> lock(HostOf(host).mutex);
    auto [it, added] = HostOf(host).groups.emplace(group->name, std::move(group));
    if (!added) {
      lock.unlock();
      HostOf(host).RecordError(SlotOf(host), "stream group '" + it->first + "' already exists");
      return SR_ERR_ALREADY_EXISTS;
    }
    *out = reinterpret_cast<sr_stream_group*>(it->second.get());
    return SR_OK;
  }
  static sr_status StreamOpen(sr_request* r, sr_response*, sr_stream_group* handle,
                              sr_stream** out) {
    if (handle == nullptr) return SR_ERR_INVALID_ARGUMENT;
    Exchange& exchange = Of(r);
    if (exchange.phase.load() != Phase::kHandling ||
        exchange.handler_thread != std::this_thread::get_id()) {
      return SR_ERR_FAILED_PRECONDITION;  // not inside the handler, or deferred
    }
    auto& group = GroupOf(handle);
    std::uint64_t last_event_id = 0;
    sr_str header{nullptr, 0};
    if (RequestHeader(r, ToStr("Last-Event-ID"), &header) != 0) {
      last_event_id = std::strtoull(std::string(View(header)).c_str(), nullptr, 10);
    }
    auto client = std::make_shared<FakeStreamClient>();
    {
      std::lock_guard<std::mutex> lock(exchange.host->mutex);
      auto connected = std::count_if(group.clients.begin(), group.clients.end(),
                                     [](const auto& c) { return c->connected(); });
      if (static_cast<std::uint64_t>(connected) >= group.options.max_clients) {
        return SR_ERR_UNAVAILABLE;
      }
      group.clients.push_back(client);
      for (const auto& event : group.replay) {
        if (last_event_id > 0 && event.id > last_event_id) client->Receive(event);
      }
    }
    exchange.stream = client;
    exchange.phase.store(Phase::kStreaming);
    if (out != nullptr) {
      *out = reinterpret_cast<sr_stream*>(std::make_unique<StreamRef>(StreamRef{client}).release());
    }
    return SR_OK;
  }
  static sr_status StreamSend(sr_stream* stream, sr_str event, sr_str data) {
    if (stream == nullptr) return SR_ERR_INVALID_ARGUMENT;
    auto& client = *reinterpret_cast<StreamRef*>(stream)->client;
    return client.Receive(StreamEvent{0, std::string(View(event)), std::string(View(data)), 0})
               ? SR_OK
               : SR_ERR_CLOSED;
  }
  static void StreamRelease(sr_stream* stream) {
    std::unique_ptr<StreamRef> owned(reinterpret_cast<StreamRef*>(stream));
  }
  static sr_status StreamClose(sr_stream* stream) {
    if (stream == nullptr) return SR_ERR_INVALID_ARGUMENT;
    return reinterpret_cast<StreamRef*>(stream)->client->CloseByPlugin() ? SR_OK : SR_ERR_CLOSED;
  }
  static sr_status StreamGroupBroadcast(sr_stream_group* handle, sr_str event, sr_str data,
                                        uint32_t flags, uint64_t* out_id) {
    if (handle == nullptr) return SR_ERR_INVALID_ARGUMENT;
    auto& group = GroupOf(handle);
    std::lock_guard<std::mutex> lock(group.host->mutex);
    StreamEvent sent{group.next_event_id++, std::string(View(event)), std::string(View(data)),
                     flags};
    group.broadcasts.push_back(sent);
    if ((flags & SR_EVENT_NO_REPLAY) == 0) {
      group.replay.push_back(sent);
      group.replay_bytes += sent.event.size() + sent.data.size();
      while (!group.replay.empty() && (group.replay.size() > group.options.replay_events ||
                                       group.replay_bytes > group.options.replay_bytes)) {
        group.replay_bytes -= group.replay.front().event.size() + group.replay.front().data.size();
        group.replay.pop_front();
      }
    }
    for (const auto& client : group.clients) client->Receive(sent);
    if (out_id != nullptr) *out_id = sent.id;
    return SR_OK;
  }
  static size_t StreamGroupClients(const sr_stream_group* handle) {
    if (handle == nullptr) return 0;
    auto& group = GroupOf(handle);
    std::lock_guard<std::mutex> lock(group.host->mutex);
    return static_cast<size_t>(std::count_if(group.clients.begin(), group.clients.end(),
                                             [](const auto& c) { return c->connected(); }));
  }

  // ---- tasks ----

  static sr_status TaskSchedule(sr_host* host, const sr_task_spec* in, sr_task** out) {
    if (in == nullptr || in->struct_size < offsetof(sr_task_spec, period_ms)) {
      return SR_ERR_INVALID_ARGUMENT;
    }
    sr_task_spec spec = CopyStruct(in, in->struct_size);
    if (spec.fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    HostState& state = HostOf(host);
    std::lock_guard<std::mutex> lock(state.mutex);
    if (SlotOf(host).stopping) return SR_ERR_SHUTTING_DOWN;
    auto task = std::make_shared<TaskEntry>();
    task->id = state.next_id++;
    task->owner = &SlotOf(host);
    task->name = std::string(View(spec.name));
    task->fn = spec.fn;
    task->ctx = spec.ctx;
    task->due_ms = state.now_ms + static_cast<std::int64_t>(spec.initial_delay_ms);
    task->period_ms = spec.period_ms;
    state.tasks.emplace(task->id, task);
    if (out != nullptr) {
      *out = reinterpret_cast<sr_task*>(
          std::make_unique<TaskRef>(TaskRef{&state, task->id}).release());
    }
    return SR_OK;
  }
  static void TaskCancel(sr_task* task) {
    std::unique_ptr<TaskRef> owned(reinterpret_cast<TaskRef*>(task));
    if (owned) owned->host->CancelTasks([&](const auto& t) { return t.id == owned->id; });
  }

  // ---- services ----

  static sr_status ServiceProvide(sr_host* host, sr_str name_in, uint32_t version,
                                  const void* vtable) {
    Slot& slot = SlotOf(host);
    if (!DuringInit(host, "service_provide")) return SR_ERR_FAILED_PRECONDITION;
    std::string name(View(name_in));
    if (vtable == nullptr || name.empty()) return SR_ERR_INVALID_ARGUMENT;
    bool declared = std::any_of(slot.provides.begin(), slot.provides.end(), [&](const auto& c) {
      return c.kind == SR_CAPABILITY_SERVICE && c.name == name && c.version == version;
    });
    std::string problem = "service '" + name + "' version " + std::to_string(version) +
                          " is not listed in the plugin's provides";
    sr_status status = SR_ERR_FAILED_PRECONDITION;
    if (declared) {
      std::lock_guard<std::mutex> lock(HostOf(host).mutex);
      bool added = HostOf(host).services.emplace(name, ServiceEntry{&slot, version, vtable}).second;
      status = added ? SR_OK : SR_ERR_ALREADY_EXISTS;
      problem = "service '" + name + "' is already provided";
    }
    if (status != SR_OK) HostOf(host).RecordError(slot, problem);
    return status;
  }
  static sr_status ServiceLookup(sr_host* host, sr_str name_in, uint32_t min_version,
                                 const void** out) {
    std::string name(View(name_in));
    if (out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    if (!SlotOf(host).Declares(SR_CAPABILITY_SERVICE, name, false)) {
      HostOf(host).RecordError(SlotOf(host), "service '" + name +
                                                 "' is looked up but not listed "
                                                 "in the plugin's requires or uses");
      return SR_ERR_FAILED_PRECONDITION;
    }
    std::lock_guard<std::mutex> lock(HostOf(host).mutex);
    auto it = HostOf(host).services.find(name);
    if (it == HostOf(host).services.end() || it->second.version < min_version) {
      return SR_ERR_NOT_FOUND;
    }
    *out = it->second.vtable;
    return SR_OK;
  }

  // ---- events ----

  static sr_status EventSubscribe(sr_host* host, sr_str topic, sr_event_fn fn, void* ctx,
                                  sr_subscription** out) {
    if (fn == nullptr || topic.size == 0) return SR_ERR_INVALID_ARGUMENT;
    HostState& state = HostOf(host);
    auto subscriber = std::make_shared<Subscriber>();
    subscriber->owner = &SlotOf(host);
    subscriber->pattern = std::string(View(topic));
    subscriber->fn = fn;
    subscriber->ctx = ctx;
    std::lock_guard<std::mutex> lock(state.mutex);
    subscriber->id = state.next_id++;
    state.subscribers.push_back(subscriber);
    if (out != nullptr) {
      *out = reinterpret_cast<sr_subscription*>(
          std::make_unique<SubscriptionRef>(SubscriptionRef{&state, subscriber->id}).release());
    }
    return SR_OK;
  }
  static void EventUnsubscribe(sr_subscription* subscription) {
    std::unique_ptr<SubscriptionRef> owned(reinterpret_cast<SubscriptionRef*>(subscription));
    if (owned) owned->host->Unsubscribe([&](const auto& s) { return s.id == owned->id; });
  }
  static sr_status EventPublish(sr_host* host, sr_str topic, sr_str payload) {
    if (topic.size == 0) return SR_ERR_INVALID_ARGUMENT;
    {
      std::lock_guard<std::mutex> lock(HostOf(host).mutex);
      HostOf(host).published.push_back(
          PublishedEvent{SlotOf(host).id, std::string(View(topic)), std::string(View(payload))});
    }
    HostOf(host).DeliverEvent(View(topic), View(payload));
    return SR_OK;
  }

  // ---- statistics, error log, data folder ----

  static sr_status StatsRead(sr_host* host, sr_host_stats* out) {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return SR_ERR_INVALID_ARGUMENT;
    std::lock_guard<std::mutex> lock(HostOf(host).mutex);
    sr_host_stats full = HostOf(host).stats;
    full.struct_size = sizeof(full);
    uint32_t caller_size = out->struct_size;
    std::memcpy(out, &full, std::min<size_t>(caller_size, sizeof(full)));
    out->struct_size = caller_size;
    return SR_OK;
  }
  // 1.3: the started plugins' memory reports, in load order, as the host gives them.
  static sr_status PluginMemoryRead(sr_host* host, sr_plugin_memory_fn fn, void* ctx) {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::vector<const PluginSlot*> slots;
    {
      std::lock_guard<std::mutex> lock(HostOf(host).mutex);
      slots = HostOf(host).slots;
    }
    for (const PluginSlot* slot : slots) {
      auto hook = slot->descriptor.on_plugin_memory;
      if (!slot->started || slot->stopping || hook == nullptr) continue;
      struct Forward {
        sr_plugin_memory_fn fn;
        void* ctx;
        sr_str plugin;
      } forward{fn, ctx, sr_str{slot->id.data(), slot->id.size()}};
      hook(
          slot->instance,
          [](void* c, sr_str item, uint64_t bytes) noexcept {
            auto* f = static_cast<Forward*>(c);
            f->fn(f->ctx, f->plugin, item, bytes);
          },
          &forward);
    }
    return SR_OK;
  }
  static sr_status ErrorLogRead(sr_host* host, uint64_t after, size_t limit, int32_t newest_first,
                                sr_error_entry_fn fn, void* ctx) {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    std::vector<ErrorEntry> selected = HostOf(host).Copy(HostOf(host).errors);
    if (newest_first != 0) std::reverse(selected.begin(), selected.end());
    size_t visited = 0;
    for (const ErrorEntry& entry : selected) {  // outside the lock: fn is plugin code
      if (visited == limit) break;
      if (entry.sequence <= after) continue;
      ++visited;
      sr_error_entry view{static_cast<uint32_t>(sizeof(sr_error_entry)),
                          entry.status,
                          entry.sequence,
                          entry.timestamp_ms,
                          ToStr(entry.method),
                          ToStr(entry.path),
                          ToStr(entry.message),
                          ToStr(entry.client_ip)};
      if (fn(ctx, &view) == 0) break;
    }
    return SR_OK;
  }
  static sr_str DataDir(sr_host* host) {
    HostState& state = HostOf(host);
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.data_dir.empty()) state.data_dir = (state.base_dir / "data").string();
    std::error_code error;
    std::filesystem::create_directories(state.data_dir, error);
    if (!error) return ToStr(state.data_dir);
    state.logs.push_back(
        LogLine{SlotOf(host).id, SR_LOG_ERROR,
                "cannot create the data folder " + state.data_dir + ": " + error.message()});
    return ToStr("");
  }

  // ---- 1.4: health and the server's address ----

  static sr_status HealthSet(sr_host* host, int32_t degraded, sr_str reason) {
    HostState& state = HostOf(host);
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.health.Set(SlotOf(host).id, degraded != 0, View(reason))) {
      // Transitions only, as the host logs them.
      state.logs.push_back(LogLine{SlotOf(host).id, degraded != 0 ? SR_LOG_WARN : SR_LOG_INFO,
                                   degraded != 0 ? std::string("degraded: ").append(View(reason))
                                                 : std::string("healthy again")});
    }
    return SR_OK;
  }
  static sr_str ServerEndpoint(sr_host* host) {
    HostState& state = HostOf(host);
    std::lock_guard<std::mutex> lock(state.mutex);
    return ToStr(state.server_endpoint);
  }

  // ---- 1.3: metrics (sr/metric_store.hpp, shared with the host) ----

  static sr_status MetricRegister(sr_host* host, const sr_metric_spec* spec,
                                  sr_metric_family** out) {
    std::string problem;
    sr_status status =
        sr::metrics::RegisterFromC(HostOf(host).metrics, SlotOf(host).id, spec, out, problem);
    if (status != SR_OK)
      HostOf(host).AddLog(SlotOf(host).id, SR_LOG_ERROR, "metric_register: " + problem);
    return status;
  }
  static sr_status MetricSeries(sr_metric_family* family, const sr_str* values, size_t count,
                                sr_metric** out) {
    return sr::metrics::SeriesFromC(family, values, count, out);
  }
  static void MetricAdd(sr_metric* metric, double delta) {
    if (metric != nullptr) sr::metrics::SeriesOf(metric)->Add(delta);
  }
  static void MetricSet(sr_metric* metric, double value) {
    if (metric != nullptr) sr::metrics::SeriesOf(metric)->Set(value);
  }
  static void MetricObserve(sr_metric* metric, double value) {
    if (metric != nullptr) sr::metrics::SeriesOf(metric)->Observe(value);
  }
  static sr_status MetricCollectorAdd(sr_host* host, sr_task_fn fn, void* ctx) {
    if (!DuringInit(host, "metric_collector_add")) return SR_ERR_FAILED_PRECONDITION;
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    HostOf(host).metrics.AddCollector(SlotOf(host).id, [fn, ctx] { fn(ctx); });
    return SR_OK;
  }
  static sr_status MetricsRender(sr_host* host, sr_text_fn fn, void* ctx) {
    return sr::metrics::RenderToC(HostOf(host).metrics, fn, ctx);
  }

  static const sr_host_api* Table() {
#define SR_FAKE_ENTRY(fn) &Barrier<&Abi::fn, false>::Call
#define SR_FAKE_STATUS(fn) &Barrier<&Abi::fn, true>::Call
    static const sr_host_api table = [] {
      sr_host_api api{};
      api.struct_size = sizeof(sr_host_api);
      api.abi_major = SR_ABI_MAJOR;
      api.abi_minor = SR_ABI_MINOR;
      api.host_version = SR_FAKE_ENTRY(HostVersion);
      api.log = SR_FAKE_ENTRY(Log);
      api.set_error = SR_FAKE_ENTRY(SetError);
      api.config_json = SR_FAKE_ENTRY(ConfigJson);
      api.config_has = SR_FAKE_ENTRY(ConfigHas);
      api.config_get_string = SR_FAKE_STATUS(ConfigGetString);
      api.config_get_int = SR_FAKE_STATUS(ConfigGetInt);
      api.config_get_bool = SR_FAKE_STATUS(ConfigGetBool);
      api.config_get_duration_ms = SR_FAKE_STATUS(ConfigGetDurationMs);
      api.config_get_bytes = SR_FAKE_STATUS(ConfigGetBytes);
      api.config_get_path = SR_FAKE_STATUS(ConfigGetPath);
      api.config_array_length = SR_FAKE_STATUS(ConfigArrayLength);
      api.config_finish = SR_FAKE_STATUS(ConfigFinish);
      api.route_add = SR_FAKE_STATUS(RouteAdd);
      api.guard_register = SR_FAKE_STATUS(GuardRegister);
      api.response_filter_add = SR_FAKE_STATUS(ResponseFilterAdd);
      api.request_method = SR_FAKE_ENTRY(RequestMethod);
      api.request_path = SR_FAKE_ENTRY(RequestPath);
      api.request_query = SR_FAKE_ENTRY(RequestQuery);
      api.request_body = SR_FAKE_ENTRY(RequestBody);
      api.request_client_ip = SR_FAKE_ENTRY(RequestClientIp);
      api.request_is_secure = SR_FAKE_ENTRY(RequestIsSecure);
      api.request_header = SR_FAKE_ENTRY(RequestHeader);
      api.request_header_at = SR_FAKE_ENTRY(RequestHeaderAt);
      api.request_path_param = SR_FAKE_ENTRY(RequestPathParam);
      api.request_query_param = SR_FAKE_ENTRY(RequestQueryParam);
      api.request_cookie = SR_FAKE_ENTRY(RequestCookie);
      api.request_set_attribute = SR_FAKE_STATUS(RequestSetAttribute);
      api.request_attribute = SR_FAKE_ENTRY(RequestAttribute);
      api.response_set_status = SR_FAKE_ENTRY(ResponseSetStatus);
      api.response_status = SR_FAKE_ENTRY(ResponseStatus);
      api.response_add_header = SR_FAKE_STATUS(ResponseAddHeader);
      api.response_header = SR_FAKE_ENTRY(ResponseHeader);
      api.response_set_body = SR_FAKE_ENTRY(ResponseSetBody);
      api.response_append_body = SR_FAKE_ENTRY(ResponseAppendBody);
      api.response_set_body_shared = SR_FAKE_ENTRY(ResponseSetBodyShared);
      api.response_send_file = SR_FAKE_STATUS(ResponseSendFile);
      api.response_error = SR_FAKE_ENTRY(ResponseError);
      api.response_defer = SR_FAKE_STATUS(ResponseDefer);
      api.response_complete = SR_FAKE_STATUS(ResponseComplete);
      api.stream_group_create = SR_FAKE_STATUS(StreamGroupCreate);
      api.stream_open = SR_FAKE_STATUS(StreamOpen);
      api.stream_send = SR_FAKE_STATUS(StreamSend);
      api.stream_release = SR_FAKE_ENTRY(StreamRelease);
      api.stream_group_broadcast = SR_FAKE_STATUS(StreamGroupBroadcast);
      api.stream_group_clients = SR_FAKE_ENTRY(StreamGroupClients);
      api.task_schedule = SR_FAKE_STATUS(TaskSchedule);
      api.task_cancel = SR_FAKE_ENTRY(TaskCancel);
      api.service_provide = SR_FAKE_STATUS(ServiceProvide);
      api.service_lookup = SR_FAKE_STATUS(ServiceLookup);
      api.event_subscribe = SR_FAKE_STATUS(EventSubscribe);
      api.event_unsubscribe = SR_FAKE_ENTRY(EventUnsubscribe);
      api.event_publish = SR_FAKE_STATUS(EventPublish);
      api.stats_read = SR_FAKE_STATUS(StatsRead);
      api.error_log_read = SR_FAKE_STATUS(ErrorLogRead);
      api.data_dir = SR_FAKE_ENTRY(DataDir);
      api.stream_close = SR_FAKE_STATUS(StreamClose);
      api.config_map_keys = SR_FAKE_STATUS(ConfigMapKeys);
      api.config_error = SR_FAKE_STATUS(ConfigErrorAt);
      api.metric_register = SR_FAKE_STATUS(MetricRegister);
      api.metric_series = SR_FAKE_STATUS(MetricSeries);
      api.metric_add = SR_FAKE_ENTRY(MetricAdd);
      api.metric_set = SR_FAKE_ENTRY(MetricSet);
      api.metric_observe = SR_FAKE_ENTRY(MetricObserve);
      api.metric_collector_add = SR_FAKE_STATUS(MetricCollectorAdd);
      api.metrics_render = SR_FAKE_STATUS(MetricsRender);
      api.plugin_memory_read = SR_FAKE_STATUS(PluginMemoryRead);
      api.health_set = SR_FAKE_STATUS(HealthSet);
      api.server_endpoint = SR_FAKE_ENTRY(ServerEndpoint);
      return api;
    }();
#undef SR_FAKE_ENTRY
#undef SR_FAKE_STATUS
    return &table;
  }

  // The table as a host of an older minor hands it out: cut at the first entry that minor
  // did not have, later entries null. Minors past this header's get the whole table.
  static const sr_host_api* TableOfMinor(std::uint16_t minor) {
    static const sr_host_api kMinor0 = Cut(offsetof(sr_host_api, data_dir), 0);
    static const sr_host_api kMinor1 = Cut(offsetof(sr_host_api, stream_close), 1);
    static const sr_host_api kMinor2 = Cut(offsetof(sr_host_api, metric_register), 2);
    static const sr_host_api kMinor3 = Cut(offsetof(sr_host_api, health_set), 3);
    if (minor == 0) return &kMinor0;
    if (minor == 1) return &kMinor1;
    if (minor == 2) return &kMinor2;
    if (minor == 3) return &kMinor3;
    return Table();
  }

 private:
  static sr_host_api Cut(size_t size, std::uint16_t minor) {
    sr_host_api cut{};
    std::memcpy(&cut, Table(), size);
    cut.struct_size = static_cast<std::uint32_t>(size);
    cut.abi_minor = minor;
    return cut;
  }
};

}  // namespace sr::testing::fake_detail

#endif  // SR_TESTING_FAKE_ABI_HPP
