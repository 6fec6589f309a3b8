// The host side of sr_host_api: one C-callable function per table entry. Each one is a
// barrier too: nothing thrown here may unwind into plugin code.
#include "plugins/host_api.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "config/config_error.h"
#include "http/connection.h"
#include "http/exchange.h"
#include "http/exchange_flow.h"
#include "http/host_transport.h"
#include "http/mailbox.h"
#include "plugins/exchange_handles.h"
#include "plugins/host_runtime.h"
#include "plugins/plugin_context.h"
#include "streams/stream_group.h"
#include "util/strings.h"

// Handles that only this file creates.
struct sr_task {
  sr::host::TaskScheduler* scheduler;
  sr::host::TaskScheduler::TaskId id;
};
struct sr_subscription {
  sr::host::EventBus* bus;
  sr::host::EventBus::SubscriptionId id;
};

namespace sr::host {

namespace {

std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}
sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }

PluginContext& Context(const sr_host* host) { return *host->context; }
HostRuntime& Runtime(const sr_host* host) { return host->context->runtime; }

// Plugin text reaches the log: keep it on one line.
std::string OneLine(std::string_view text) {
  std::string out(text.substr(0, 8192));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\0') c = ' ';
  }
  return out;
}

int32_t Lookup(const std::vector<std::pair<std::string, std::string>>& items, sr_str name,
               sr_str* out) {
  std::string_view wanted = View(name);
  for (const auto& [key, value] : items) {
    if (key == wanted) {
      if (out != nullptr) *out = Str(value);
      return 1;
    }
  }
  return 0;
}

// abi.h marks some calls "THREAD: main thread, during on_plugin_init": configuration is
// settled and registrations are checked (guards, services, stream groups) before anything
// starts. Called at another time or from another thread, such a call does nothing, is logged
// and fails with SR_ERR_FAILED_PRECONDITION.
bool DuringInit(const sr_host* host, std::string_view call) {
  const PluginContext& context = Context(host);
  if (context.InInit()) return true;
  spdlog::error(
      "[{}] {} refused: it may only be called from on_plugin_init, on the thread running it",
      context.id(), call);
  return false;
}

// Runs a config getter, turning a ConfigError into a recorded message and a status.
template <typename Fn>
sr_status ConfigCall(sr_host* host, std::string_view call, Fn&& fn) {
  PluginContext& context = Context(host);
  if (!DuringInit(host, call)) return SR_ERR_FAILED_PRECONDITION;
  try {
    fn(*context.config);
    return SR_OK;
  } catch (const ConfigError& e) {
    context.RecordConfigError(e.what());
    return SR_ERR_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    context.RecordError(e.what());
    return SR_ERR_INTERNAL;
  }
}

template <typename T>
void CopyStruct(T& out, const void* in, uint32_t in_size) {
  out = T{};
  std::memcpy(&out, in, std::min<size_t>(in_size, sizeof(T)));
}

bool IsUpperToken(std::string_view text) {
  if (text.empty() || text.size() > 16) return false;
  for (char c : text) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool IsReservedResponseHeader(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"content-length", "transfer-encoding",
                                                   "connection", "date", "content-type"};
  for (std::string_view reserved : kReserved) {
    if (EqualsIgnoreCase(name, reserved)) return true;
  }
  return false;
}

// ---- identity and logging -------------------------------------------------------------

sr_str HostVersionView(const sr_host*) { return Str(HostVersion()); }

void Log(sr_host* host, int32_t level, sr_str message) {
  std::string text = OneLine(View(message));
  const std::string& id = Context(host).id();
  switch (level) {
    case SR_LOG_DEBUG:
      spdlog::debug("[{}] {}", id, text);
      break;
    case SR_LOG_INFO:
      spdlog::info("[{}] {}", id, text);
      break;
    case SR_LOG_WARN:
      spdlog::warn("[{}] {}", id, text);
      break;
    default:
      spdlog::error("[{}] {}", id, text);
      break;
  }
}

void SetError(sr_host* host, sr_str message) { Context(host).RecordError(OneLine(View(message))); }

// ---- configuration ----------------------------------------------------------------------

sr_str ConfigJson(sr_host* host) {
  if (!DuringInit(host, "config_json")) return Str("");
  return Str(Context(host).config->Json());
}

int32_t ConfigHas(sr_host* host, sr_str key) {
  if (!DuringInit(host, "config_has")) return 0;
  try {
    return Context(host).config->Has(View(key)) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

sr_status ConfigGetString(sr_host* host, sr_str key, sr_str fallback, sr_str* out) {
  return ConfigCall(host, "config_get_string", [&](ConfigSection& config) {
    *out = Context(host).Keep(config.GetString(View(key), View(fallback)));
  });
}

sr_status ConfigGetInt(sr_host* host, sr_str key, int64_t fallback, int64_t min, int64_t max,
                       int64_t* out) {
  return ConfigCall(host, "config_get_int", [&](ConfigSection& config) {
    *out = config.GetInt(View(key), fallback, min, max);
  });
}

sr_status ConfigGetBool(sr_host* host, sr_str key, int32_t fallback, int32_t* out) {
  return ConfigCall(host, "config_get_bool", [&](ConfigSection& config) {
    *out = config.GetBool(View(key), fallback != 0) ? 1 : 0;
  });
}

sr_status ConfigGetDurationMs(sr_host* host, sr_str key, int64_t fallback, int64_t min, int64_t max,
                              int64_t* out) {
  return ConfigCall(host, "config_get_duration_ms", [&](ConfigSection& config) {
    *out = config.GetDurationMs(View(key), fallback, min, max);
  });
}

sr_status ConfigGetBytes(sr_host* host, sr_str key, uint64_t fallback, uint64_t min, uint64_t max,
                         uint64_t* out) {
  return ConfigCall(host, "config_get_bytes", [&](ConfigSection& config) {
    *out = config.GetBytes(View(key), fallback, min, max);
  });
}

sr_status ConfigGetPath(sr_host* host, sr_str key, sr_str fallback, sr_str* out) {
  return ConfigCall(host, "config_get_path", [&](ConfigSection& config) {
    *out = Context(host).Keep(config.GetPath(View(key), View(fallback)));
  });
}

sr_status ConfigArrayLength(sr_host* host, sr_str key, size_t* out) {
  return ConfigCall(host, "config_array_length",
                    [&](ConfigSection& config) { *out = config.ArrayLength(View(key)); });
}

sr_status ConfigFinish(sr_host* host) {
  return ConfigCall(host, "config_finish", [](ConfigSection& config) { config.Finish(); });
}

sr_status ConfigMapKeys(sr_host* host, sr_str key, sr_config_key_fn fn, void* ctx) {
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  std::vector<std::string_view> names;
  sr_status status = ConfigCall(host, "config_map_keys",
                                [&](ConfigSection& config) { names = config.MapKeys(View(key)); });
  if (status != SR_OK) return status;
  // The names point into the configuration tree, which outlives every plugin.
  for (std::string_view name : names) {
    if (fn(ctx, Str(name)) == 0) break;
  }
  return SR_OK;
}

sr_status ConfigErrorAt(sr_host* host, sr_str key, sr_str message) {
  sr_status status = ConfigCall(host, "config_error", [&](ConfigSection& config) {
    config.RejectWithReason(View(key), OneLine(View(message)));
  });
  // RejectWithReason always throws, so ConfigCall cannot answer SR_OK.
  return status == SR_OK ? SR_ERR_INTERNAL : status;
}

// ---- routes, guards, filters ------------------------------------------------------------

sr_status RouteAdd(sr_host* host, const sr_route* route_in) {
  PluginContext& context = Context(host);
  if (route_in == nullptr || route_in->struct_size < offsetof(sr_route, max_body_bytes)) {
    context.RecordError("route_add: malformed sr_route");
    return SR_ERR_INVALID_ARGUMENT;
  }
  if (context.stopping) return SR_ERR_FAILED_PRECONDITION;
  sr_route spec;
  CopyStruct(spec, route_in, route_in->struct_size);
  std::string method(View(spec.method));
  std::string pattern(View(spec.pattern));
  std::string where = method + " " + pattern;
  if (!IsUpperToken(method)) {
    context.RecordError("route " + where + ": the method must be an upper-case HTTP method");
    return SR_ERR_INVALID_ARGUMENT;
  }
  if (spec.handler == nullptr) {
    context.RecordError("route " + where + ": no handler");
    return SR_ERR_INVALID_ARGUMENT;
  }
  std::string guard_error;
  auto guard = ParseGuardExpression(View(spec.guard), guard_error);
  if (!guard) {
    context.RecordError("route " + where + ": " + guard_error);
    return SR_ERR_INVALID_ARGUMENT;
  }
  Route route;
  route.method = method;
  route.pattern = pattern;
  route.guard = std::move(*guard);
  route.handler = [handler = spec.handler, ctx = spec.ctx](Exchange& exchange) {
    return handler(ctx, RequestHandle(exchange), ResponseHandle(exchange)) == SR_OK;
  };
  route.blocking = (spec.flags & SR_ROUTE_BLOCKING) != 0;
  route.max_body_bytes = spec.max_body_bytes;
  route.owner_id = context.id();
  std::string problem = Runtime(host).core.AddRoute(std::move(route));
  if (!problem.empty()) {
    context.RecordError(problem);
    bool conflict = problem.find("claimed by both") != std::string::npos;
    return conflict ? SR_ERR_ALREADY_EXISTS : SR_ERR_INVALID_ARGUMENT;
  }
  return SR_OK;
}

sr_status GuardRegister(sr_host* host, sr_str name_in, sr_guard_fn fn, void* ctx) {
  PluginContext& context = Context(host);
  if (!DuringInit(host, "guard_register")) return SR_ERR_FAILED_PRECONDITION;
  std::string name(View(name_in));
  if (fn == nullptr || name.empty()) return SR_ERR_INVALID_ARGUMENT;
  if (!context.Declares(SR_CAPABILITY_GUARD, name, true)) {
    context.RecordError("guard '" + name + "' is not listed in the plugin's provides");
    return SR_ERR_FAILED_PRECONDITION;
  }
  auto decide = [fn, ctx](Exchange& exchange, std::string_view argument) {
    int32_t decision = fn(ctx, RequestHandle(exchange), ResponseHandle(exchange), Str(argument));
    if (decision == SR_GUARD_ALLOW) return GuardDecision::kAllow;
    return decision == SR_GUARD_ABSTAIN ? GuardDecision::kAbstain : GuardDecision::kDeny;
  };
  if (!Runtime(host).core.AddGuard(GuardEntry{name, std::move(decide), context.id()})) {
    context.RecordError("guard '" + name + "' is already registered by another plugin");
    return SR_ERR_ALREADY_EXISTS;
  }
  return SR_OK;
}

sr_status ResponseFilterAdd(sr_host* host, sr_response_filter_fn fn, void* ctx) {
  if (!DuringInit(host, "response_filter_add")) return SR_ERR_FAILED_PRECONDITION;
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  auto filter = [fn, ctx](Exchange& exchange) {
    fn(ctx, RequestHandle(exchange), ResponseHandle(exchange));
  };
  Runtime(host).core.AddFilter(FilterEntry{std::move(filter), Context(host).id()});
  return SR_OK;
}

// ---- requests -----------------------------------------------------------------------------

sr_str RequestMethod(const sr_request* request) { return Str(Of(request).head.method); }
sr_str RequestPath(const sr_request* request) { return Str(Of(request).head.path()); }
sr_str RequestQuery(const sr_request* request) { return Str(Of(request).head.query); }
sr_str RequestBody(const sr_request* request) { return Str(Of(request).body); }
sr_str RequestClientIp(const sr_request* request) { return Str(Of(request).client_ip); }
int32_t RequestIsSecure(const sr_request* request) { return Of(request).secure ? 1 : 0; }

int32_t RequestHeader(const sr_request* request, sr_str name, sr_str* out) {
  const std::string* value = Of(request).head.Find(View(name));
  if (value == nullptr) return 0;
  if (out != nullptr) *out = Str(*value);
  return 1;
}

int32_t RequestHeaderAt(const sr_request* request, size_t index, sr_str* name, sr_str* value) {
  const auto& headers = Of(request).head.headers;
  if (index >= headers.size()) return 0;
  if (name != nullptr) *name = Str(headers[index].name);
  if (value != nullptr) *value = Str(headers[index].value);
  return 1;
}

int32_t RequestPathParam(const sr_request* request, sr_str name, sr_str* out) {
  return Lookup(Of(request).path_params, name, out);
}
int32_t RequestQueryParam(const sr_request* request, sr_str name, sr_str* out) {
  return Lookup(Of(request).query_params, name, out);
}
int32_t RequestCookie(const sr_request* request, sr_str name, sr_str* out) {
  return Lookup(Of(request).cookies, name, out);
}

sr_status RequestSetAttribute(sr_request* request, sr_str name, sr_str value) {
  auto& attributes = Of(request).attributes;
  std::string_view key = View(name);
  for (auto& [existing, stored] : attributes) {
    if (existing == key) {
      stored = std::string(View(value));
      return SR_OK;
    }
  }
  // Guards set several at once (who, role, how): one allocation for all of them.
  if (attributes.empty()) attributes.reserve(4);
  attributes.emplace_back(std::string(key), std::string(View(value)));
  return SR_OK;
}

int32_t RequestAttribute(const sr_request* request, sr_str name, sr_str* out) {
  return Lookup(Of(request).attributes, name, out);
}

// ---- responses ----------------------------------------------------------------------------

void ResponseSetStatus(sr_response* response, int32_t status) {
  if (status < 100 || status > 999) status = 500;
  Of(response).response.status = status;
  Of(response).response.touched = true;
}

int32_t ResponseStatus(const sr_response* response) { return Of(response).response.status; }

sr_status ResponseAddHeader(sr_response* response, sr_str name_in, sr_str value_in) {
  std::string_view name = View(name_in);
  std::string_view value = View(value_in);
  if (name.empty() || name.size() > 256 || value.size() > 8192) return SR_ERR_INVALID_ARGUMENT;
  for (char c : name) {
    if (!IsTokenChar(c)) return SR_ERR_INVALID_ARGUMENT;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return SR_ERR_INVALID_ARGUMENT;
  }
  if (IsReservedResponseHeader(name)) {
    // Content-Type has its own setter; the others belong to the host's framing.
    if (EqualsIgnoreCase(name, "content-type")) {
      Of(response).response.content_type = std::string(value);
      Of(response).response.touched = true;
      return SR_OK;
    }
    return SR_ERR_INVALID_ARGUMENT;
  }
  Of(response).response.headers.push_back(HeaderField{std::string(name), std::string(value)});
  Of(response).response.touched = true;
  return SR_OK;
}

int32_t ResponseHeader(const sr_response* response, sr_str name, sr_str* out) {
  const ResponseState& state = Of(response).response;
  if (EqualsIgnoreCase(View(name), "content-type")) {
    if (state.content_type.empty()) return 0;
    if (out != nullptr) *out = Str(state.content_type);
    return 1;
  }
  for (const auto& header : state.headers) {
    if (EqualsIgnoreCase(header.name, View(name))) {
      if (out != nullptr) *out = Str(header.value);
      return 1;
    }
  }
  return 0;
}

void SetContentType(ResponseState& state, sr_str content_type) {
  std::string_view type = View(content_type);
  bool clean = type.find_first_of("\r\n") == std::string_view::npos;
  if (!type.empty() && clean) state.content_type = std::string(type);
}

void ResponseSetBody(sr_response* response, sr_str body, sr_str content_type) {
  ResponseState& state = Of(response).response;
  state.body = ResponseBody{};
  state.body.kind = ResponseBody::Kind::kBytes;
  state.body.bytes = std::string(View(body));
  SetContentType(state, content_type);
  state.touched = true;
}

void ResponseAppendBody(sr_response* response, sr_str chunk) {
  ResponseState& state = Of(response).response;
  if (state.body.kind != ResponseBody::Kind::kBytes) {
    state.body = ResponseBody{};
    state.body.kind = ResponseBody::Kind::kBytes;
  }
  state.body.bytes.append(View(chunk));
  state.touched = true;
}

struct SharedRelease {
  sr_release_fn release;
  void* ctx;
  SharedRelease(sr_release_fn release_in, void* ctx_in) : release(release_in), ctx(ctx_in) {}
  SharedRelease(const SharedRelease&) = delete;
  SharedRelease& operator=(const SharedRelease&) = delete;
  ~SharedRelease() {
    if (release != nullptr) release(ctx);
  }
};

void ResponseSetBodyShared(sr_response* response, sr_str body, sr_str content_type,
                           sr_release_fn release, void* release_ctx) {
  ResponseState& state = Of(response).response;
  state.body = ResponseBody{};
  state.body.kind = ResponseBody::Kind::kShared;
  state.body.shared_owner = std::make_shared<SharedRelease>(release, release_ctx);
  state.body.shared_data = body.data;
  state.body.shared_size = body.data == nullptr ? 0 : body.size;
  SetContentType(state, content_type);
  state.touched = true;
}

sr_status ResponseSendFile(sr_response* response, int32_t fd, uint64_t offset, uint64_t length,
                           sr_str content_type) {
  UniqueFd file(fd);
  struct stat info {};
  if (!file.valid() || ::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return SR_ERR_INVALID_ARGUMENT;
  }
  auto size = static_cast<uint64_t>(info.st_size);
  if (offset > size || length > size - offset) return SR_ERR_INVALID_ARGUMENT;
  ResponseState& state = Of(response).response;
  state.body = ResponseBody{};
  state.body.kind = ResponseBody::Kind::kFile;
  state.body.file = std::move(file);
  state.body.file_offset = offset;
  state.body.file_length = length;
  SetContentType(state, content_type);
  state.touched = true;
  return SR_OK;
}

void ResponseError(sr_response* response, int32_t status, sr_str message) {
  if (status < 100 || status > 999) status = 500;
  auto headers = std::move(Of(response).response.headers);
  SetErrorResponse(Of(response), status, std::string(View(message)));
  Of(response).response.headers = std::move(headers);
}

sr_status ResponseDefer(sr_response* response) {
  Exchange& exchange = Of(response);
  auto expected = Exchange::Phase::kHandling;
  if (!exchange.phase.compare_exchange_strong(expected, Exchange::Phase::kDeferred)) {
    return SR_ERR_FAILED_PRECONDITION;
  }
  exchange.self = exchange.shared_from_this();
  return SR_OK;
}

sr_status ResponseComplete(sr_response* response) {
  Exchange& exchange = Of(response);
  auto expected = Exchange::Phase::kDeferred;
  if (!exchange.phase.compare_exchange_strong(expected, Exchange::Phase::kCompleted)) {
    return SR_ERR_FAILED_PRECONDITION;
  }
  std::shared_ptr<Exchange> self = std::move(exchange.self);
  if (auto mailbox = self->mailbox.lock()) {
    mailbox->Post([self](HostTransport& transport) { transport.CompleteExchange(self); });
  }
  return SR_OK;
}

// ---- streams ------------------------------------------------------------------------------

sr_status StreamGroupCreate(sr_host* host, sr_str name, const sr_stream_group_options* options,
                            sr_stream_group** out) {
  PluginContext& context = Context(host);
  if (!DuringInit(host, "stream_group_create")) return SR_ERR_FAILED_PRECONDITION;
  if (out == nullptr || View(name).empty()) return SR_ERR_INVALID_ARGUMENT;
  StreamGroupOptions parsed = StreamGroupOptions::From(options);
  sr_stream_group* group =
      Runtime(host).streams.Create(context.id(), std::string(View(name)), parsed);
  if (group == nullptr) {
    context.RecordError("stream group '" + std::string(View(name)) + "' already exists");
    return SR_ERR_ALREADY_EXISTS;
  }
  std::weak_ptr<StreamGroup> weak = group->group;
  TaskScheduler::Spec keepalive;
  keepalive.owner = context.id();
  keepalive.name = "stream keep-alive";
  keepalive.period = std::chrono::milliseconds(parsed.keepalive_ms);
  keepalive.initial_delay = keepalive.period;
  keepalive.fn = [weak] {
    if (auto live = weak.lock()) live->SendComment("keep-alive");
  };
  Runtime(host).scheduler.Schedule(std::move(keepalive));
  *out = group;
  return SR_OK;
}

sr_status StreamOpen(sr_request* request, sr_response*, sr_stream_group* group, sr_stream** out) {
  if (group == nullptr) return SR_ERR_INVALID_ARGUMENT;
  Exchange& exchange = Of(request);
  HostTransport* transport = CurrentTransport();
  Connection* connection = transport != nullptr ? transport->current_connection() : nullptr;
  if (connection == nullptr || connection->id() != exchange.connection_id) {
    return SR_ERR_FAILED_PRECONDITION;  // not inside the handler on its I/O thread
  }
  std::shared_ptr<StreamClient> client;
  switch (connection->BeginStream(exchange, group->group, client)) {
    case Connection::StreamStart::kStarted:
      break;
    case Connection::StreamStart::kNotAwaitingResponse:
      return SR_ERR_FAILED_PRECONDITION;
    case Connection::StreamStart::kUnavailable:
      return SR_ERR_UNAVAILABLE;
  }
  if (out != nullptr) {
    auto handle = std::make_unique<sr_stream>();
    handle->group = group->group;
    handle->client = std::move(client);
    *out = handle.release();  // OWNERSHIP: given back with stream_release
  }
  return SR_OK;
}

sr_status StreamSend(sr_stream* stream, sr_str event, sr_str data) {
  if (stream == nullptr) return SR_ERR_INVALID_ARGUMENT;
  return stream->group->SendTo(stream->client, View(event), View(data)) ? SR_OK : SR_ERR_CLOSED;
}

void StreamRelease(sr_stream* stream) { std::unique_ptr<sr_stream> owned(stream); }

sr_status StreamClose(sr_stream* stream) {
  if (stream == nullptr) return SR_ERR_INVALID_ARGUMENT;
  return StreamGroup::Close(stream->client) ? SR_OK : SR_ERR_CLOSED;
}

sr_status StreamGroupBroadcast(sr_stream_group* group, sr_str event, sr_str data, uint32_t flags,
                               uint64_t* out_id) {
  if (group == nullptr) return SR_ERR_INVALID_ARGUMENT;
  uint64_t id = group->group->Broadcast(View(event), View(data), flags);
  if (out_id != nullptr) *out_id = id;
  return SR_OK;
}

size_t StreamGroupClients(const sr_stream_group* group) {
  return group == nullptr ? 0 : group->group->clients();
}

// ---- tasks --------------------------------------------------------------------------------

sr_status TaskSchedule(sr_host* host, const sr_task_spec* spec_in, sr_task** out) {
  PluginContext& context = Context(host);
  if (spec_in == nullptr || spec_in->struct_size < offsetof(sr_task_spec, period_ms)) {
    return SR_ERR_INVALID_ARGUMENT;
  }
  sr_task_spec spec;
  CopyStruct(spec, spec_in, spec_in->struct_size);
  if (spec.fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  if (context.stopping) return SR_ERR_FAILED_PRECONDITION;
  TaskScheduler::Spec task;
  task.owner = context.id();
  task.name = std::string(View(spec.name));
  sr_task_fn fn = spec.fn;
  void* ctx = spec.ctx;
  task.fn = [fn, ctx] { fn(ctx); };
  task.initial_delay = std::chrono::milliseconds(spec.initial_delay_ms);
  task.period = std::chrono::milliseconds(spec.period_ms);
  TaskScheduler& scheduler = Runtime(host).scheduler;
  TaskScheduler::TaskId id = scheduler.Schedule(std::move(task));
  if (id == 0) return SR_ERR_SHUTTING_DOWN;  // the scheduler refuses only once it stops
  if (out != nullptr) {
    auto handle = std::make_unique<sr_task>();
    handle->scheduler = &scheduler;
    handle->id = id;
    *out = handle.release();  // OWNERSHIP: given back with task_cancel
  }
  return SR_OK;
}

void TaskCancel(sr_task* task) {
  std::unique_ptr<sr_task> owned(task);
  if (owned) owned->scheduler->Cancel(owned->id);
}

// ---- services -----------------------------------------------------------------------------

sr_status ServiceProvide(sr_host* host, sr_str name_in, uint32_t version, const void* vtable) {
  PluginContext& context = Context(host);
  if (!DuringInit(host, "service_provide")) return SR_ERR_FAILED_PRECONDITION;
  std::string name(View(name_in));
  if (vtable == nullptr || name.empty()) return SR_ERR_INVALID_ARGUMENT;
  bool declared = false;
  for (const auto& capability : context.plugin.provides) {
    if (capability.kind == SR_CAPABILITY_SERVICE && capability.name == name &&
        capability.version == version) {
      declared = true;
    }
  }
  if (!declared) {
    context.RecordError("service '" + name + "' version " + std::to_string(version) +
                        " is not listed in the plugin's provides");
    return SR_ERR_FAILED_PRECONDITION;
  }
  if (!Runtime(host).services.Provide(name,
                                      ServiceRegistry::Entry{context.id(), version, vtable})) {
    context.RecordError("service '" + name + "' is already provided");
    return SR_ERR_ALREADY_EXISTS;
  }
  return SR_OK;
}

sr_status ServiceLookup(sr_host* host, sr_str name_in, uint32_t min_version, const void** out) {
  PluginContext& context = Context(host);
  std::string name(View(name_in));
  if (out == nullptr) return SR_ERR_INVALID_ARGUMENT;
  *out = nullptr;
  if (!context.Declares(SR_CAPABILITY_SERVICE, name, false)) {
    context.RecordError("service '" + name + "' is looked up but not listed in the plugin's " +
                        "requires or uses");
    return SR_ERR_FAILED_PRECONDITION;
  }
  auto entry = Runtime(host).services.Find(name);
  if (!entry || entry->version < min_version) return SR_ERR_NOT_FOUND;
  *out = entry->vtable;
  return SR_OK;
}

// ---- events -------------------------------------------------------------------------------

sr_status EventSubscribe(sr_host* host, sr_str topic, sr_event_fn fn, void* ctx,
                         sr_subscription** out) {
  if (fn == nullptr || View(topic).empty()) return SR_ERR_INVALID_ARGUMENT;
  EventBus& bus = Runtime(host).events;
  auto id = bus.Subscribe(Context(host).id(), std::string(View(topic)),
                          [fn, ctx](std::string_view name, std::string_view payload) {
                            fn(ctx, Str(name), Str(payload));
                          });
  if (out != nullptr) {
    auto handle = std::make_unique<sr_subscription>();
    handle->bus = &bus;
    handle->id = id;
    *out = handle.release();  // OWNERSHIP: given back with event_unsubscribe
  }
  return SR_OK;
}

void EventUnsubscribe(sr_subscription* subscription) {
  std::unique_ptr<sr_subscription> owned(subscription);
  if (owned) owned->bus->Unsubscribe(owned->id);
}

sr_status EventPublish(sr_host* host, sr_str topic, sr_str payload) {
  if (View(topic).empty()) return SR_ERR_INVALID_ARGUMENT;
  EventBus& bus = Runtime(host).events;
  if (bus.Publish(std::string(View(topic)), std::string(View(payload)))) return SR_OK;
  // Refused: either the bus stops (which it never undoes) or its queue is full.
  return bus.stopping() ? SR_ERR_SHUTTING_DOWN : SR_ERR_UNAVAILABLE;
}

// ---- statistics and error log ---------------------------------------------------------------

sr_status StatsRead(sr_host* host, sr_host_stats* out) {
  if (out == nullptr || out->struct_size < sizeof(uint32_t)) return SR_ERR_INVALID_ARGUMENT;
  const HostStats& stats = Runtime(host).stats;
  sr_host_stats full{};
  full.struct_size = sizeof(full);
  full.uptime_ms = stats.uptime_ms();
  full.total_requests = stats.requests();
  full.total_errors = stats.errors();
  full.bytes_received = stats.received();
  full.bytes_sent = stats.sent();
  full.memory_rss_bytes = ProcessRssBytes();
  full.open_connections = static_cast<uint64_t>(std::max<int64_t>(0, stats.connections()));
  full.open_streams = static_cast<uint64_t>(std::max<int64_t>(0, stats.streams()));
  full.in_flight_requests = static_cast<uint64_t>(std::max<int64_t>(0, stats.in_flight()));
  uint32_t caller_size = out->struct_size;
  std::memcpy(out, &full, std::min<size_t>(caller_size, sizeof(full)));
  out->struct_size = caller_size;
  return SR_OK;
}

// ---- 1.3: plugins' memory reports ----------------------------------------------------------

sr_status PluginMemoryRead(sr_host* host, sr_plugin_memory_fn fn, void* ctx) {
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  Runtime(host).memory.Read([&](std::string_view plugin, std::string_view item, uint64_t bytes) {
    fn(ctx, Str(plugin), Str(item), bytes);
  });
  return SR_OK;
}

// ---- 1.4: health and the server's address ---------------------------------------------------

sr_status HealthSet(sr_host* host, int32_t degraded, sr_str reason) {
  const std::string& id = Context(host).id();
  std::string_view text = View(reason);
  if (!Runtime(host).health.Set(id, degraded != 0, text)) return SR_OK;
  // Transitions only: a plugin may repeat its state on every failed write.
  if (degraded != 0) {
    spdlog::warn("[{}] degraded: {}", id, OneLine(text));
  } else {
    spdlog::info("[{}] healthy again", id);
  }
  return SR_OK;
}

sr_str ServerEndpoint(sr_host* host) { return Str(Runtime(host).endpoint); }

sr_status ErrorLogRead(sr_host* host, uint64_t after, size_t limit, int32_t newest_first,
                       sr_error_entry_fn fn, void* ctx) {
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  Runtime(host).errors.Read(after, limit, newest_first != 0, [&](const ErrorLog::Entry& entry) {
    sr_error_entry view{};
    view.struct_size = sizeof(view);
    view.status = entry.status;
    view.sequence = entry.sequence;
    view.timestamp_ms = entry.timestamp_ms;
    view.method = Str(entry.method);
    view.path = Str(entry.path);
    view.message = Str(entry.message);
    view.client_ip = Str(entry.client_ip);
    return fn(ctx, &view) != 0;
  });
  return SR_OK;
}

// ---- 1.1 ----------------------------------------------------------------------------------

sr_str DataDir(sr_host* host) {
  const std::string& dir = Runtime(host).config.server.data_dir;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    spdlog::error("[{}] cannot create the data folder {}: {}", Context(host).id(), dir,
                  error.message());
    return Str("");
  }
  return Str(dir);
}

// ---- 1.3: metrics (the rules and the text format are sr/metric_store.hpp's) ----------------

sr_status MetricRegister(sr_host* host, const sr_metric_spec* spec, sr_metric_family** out) {
  std::string problem;
  sr_status status =
      sr::metrics::RegisterFromC(Runtime(host).metrics, Context(host).id(), spec, out, problem);
  if (status != SR_OK) spdlog::error("[{}] metric_register: {}", Context(host).id(), problem);
  return status;
}
sr_status MetricSeries(sr_metric_family* family, const sr_str* values, size_t count,
                       sr_metric** out) {
  return sr::metrics::SeriesFromC(family, values, count, out);
}
void MetricAdd(sr_metric* metric, double delta) {
  if (metric != nullptr) sr::metrics::SeriesOf(metric)->Add(delta);
}
void MetricSet(sr_metric* metric, double value) {
  if (metric != nullptr) sr::metrics::SeriesOf(metric)->Set(value);
}
void MetricObserve(sr_metric* metric, double value) {
  if (metric != nullptr) sr::metrics::SeriesOf(metric)->Observe(value);
}
sr_status MetricCollectorAdd(sr_host* host, sr_task_fn fn, void* ctx) {
  if (!DuringInit(host, "metric_collector_add")) return SR_ERR_FAILED_PRECONDITION;
  if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
  std::string id = Context(host).id();
  Runtime(host).metrics.AddCollector(id, [fn, ctx, id] {
    try {
      fn(ctx);
    } catch (...) {
      spdlog::error("[{}] a metrics collector threw", id);
    }
  });
  return SR_OK;
}
sr_status MetricsRender(sr_host* host, sr_text_fn fn, void* ctx) {
  return sr::metrics::RenderToC(Runtime(host).metrics, fn, ctx);
}

// Wraps a table entry so that no C++ exception can reach the plugin. `kFailure` is what the
// entry answers if the host fails inside it: an error status for sr_status entries, "absent"
// (0) for lookups, an empty view for accessors.
template <auto Fn, auto kFailure>
struct Barrier;
template <typename Result, typename... Args, Result (*Fn)(Args...), auto kFailure>
struct Barrier<Fn, kFailure> {
  static Result Call(Args... args) noexcept {
    try {
      return Fn(args...);
    } catch (const std::exception& e) {
      spdlog::error("host API: {}", e.what());
    } catch (...) {
      spdlog::error("host API: unknown error");
    }
    if constexpr (!std::is_void_v<Result>) return Result(kFailure);
  }
};

constexpr sr_str kEmptyView{nullptr, 0};

// SR_BARRIER: for sr_status entries and void ones; SR_BARRIER_OR: with another failure value.
#define SR_BARRIER(fn) &Barrier<&fn, SR_ERR_INTERNAL>::Call
#define SR_BARRIER_OR(fn, failure) &Barrier<&fn, failure>::Call

// Designated initializers: each slot names the function it holds, and C++20 requires them in
// declaration order. tests/unit/host_api_table_test.cpp (HostApiSlots.*) calls each slot.
const sr_host_api kHostApi = {
    .struct_size = sizeof(sr_host_api),
    .abi_major = SR_ABI_MAJOR,
    .abi_minor = SR_ABI_MINOR,
    .host_version = SR_BARRIER_OR(HostVersionView, kEmptyView),
    .log = SR_BARRIER(Log),
    .set_error = SR_BARRIER(SetError),
    .config_json = SR_BARRIER_OR(ConfigJson, kEmptyView),
    .config_has = SR_BARRIER_OR(ConfigHas, 0),
    .config_get_string = SR_BARRIER(ConfigGetString),
    .config_get_int = SR_BARRIER(ConfigGetInt),
    .config_get_bool = SR_BARRIER(ConfigGetBool),
    .config_get_duration_ms = SR_BARRIER(ConfigGetDurationMs),
    .config_get_bytes = SR_BARRIER(ConfigGetBytes),
    .config_get_path = SR_BARRIER(ConfigGetPath),
    .config_array_length = SR_BARRIER(ConfigArrayLength),
    .config_finish = SR_BARRIER(ConfigFinish),
    .route_add = SR_BARRIER(RouteAdd),
    .guard_register = SR_BARRIER(GuardRegister),
    .response_filter_add = SR_BARRIER(ResponseFilterAdd),
    .request_method = SR_BARRIER_OR(RequestMethod, kEmptyView),
    .request_path = SR_BARRIER_OR(RequestPath, kEmptyView),
    .request_query = SR_BARRIER_OR(RequestQuery, kEmptyView),
    .request_body = SR_BARRIER_OR(RequestBody, kEmptyView),
    .request_client_ip = SR_BARRIER_OR(RequestClientIp, kEmptyView),
    .request_is_secure = SR_BARRIER_OR(RequestIsSecure, 0),
    .request_header = SR_BARRIER_OR(RequestHeader, 0),
    .request_header_at = SR_BARRIER_OR(RequestHeaderAt, 0),
    .request_path_param = SR_BARRIER_OR(RequestPathParam, 0),
    .request_query_param = SR_BARRIER_OR(RequestQueryParam, 0),
    .request_cookie = SR_BARRIER_OR(RequestCookie, 0),
    .request_set_attribute = SR_BARRIER(RequestSetAttribute),
    .request_attribute = SR_BARRIER_OR(RequestAttribute, 0),
    .response_set_status = SR_BARRIER(ResponseSetStatus),
    .response_status = SR_BARRIER_OR(ResponseStatus, 500),
    .response_add_header = SR_BARRIER(ResponseAddHeader),
    .response_header = SR_BARRIER_OR(ResponseHeader, 0),
    .response_set_body = SR_BARRIER(ResponseSetBody),
    .response_append_body = SR_BARRIER(ResponseAppendBody),
    .response_set_body_shared = SR_BARRIER(ResponseSetBodyShared),
    .response_send_file = SR_BARRIER(ResponseSendFile),
    .response_error = SR_BARRIER(ResponseError),
    .response_defer = SR_BARRIER(ResponseDefer),
    .response_complete = SR_BARRIER(ResponseComplete),
    .stream_group_create = SR_BARRIER(StreamGroupCreate),
    .stream_open = SR_BARRIER(StreamOpen),
    .stream_send = SR_BARRIER(StreamSend),
    .stream_release = SR_BARRIER(StreamRelease),
    .stream_group_broadcast = SR_BARRIER(StreamGroupBroadcast),
    .stream_group_clients = SR_BARRIER_OR(StreamGroupClients, size_t{0}),
    .task_schedule = SR_BARRIER(TaskSchedule),
    .task_cancel = SR_BARRIER(TaskCancel),
    .service_provide = SR_BARRIER(ServiceProvide),
    .service_lookup = SR_BARRIER(ServiceLookup),
    .event_subscribe = SR_BARRIER(EventSubscribe),
    .event_unsubscribe = SR_BARRIER(EventUnsubscribe),
    .event_publish = SR_BARRIER(EventPublish),
    .stats_read = SR_BARRIER(StatsRead),
    .error_log_read = SR_BARRIER(ErrorLogRead),
    .data_dir = SR_BARRIER_OR(DataDir, kEmptyView),
    .stream_close = SR_BARRIER(StreamClose),
    .config_map_keys = SR_BARRIER(ConfigMapKeys),
    .config_error = SR_BARRIER(ConfigErrorAt),
    .metric_register = SR_BARRIER(MetricRegister),
    .metric_series = SR_BARRIER(MetricSeries),
    .metric_add = SR_BARRIER(MetricAdd),
    .metric_set = SR_BARRIER(MetricSet),
    .metric_observe = SR_BARRIER(MetricObserve),
    .metric_collector_add = SR_BARRIER(MetricCollectorAdd),
    .metrics_render = SR_BARRIER(MetricsRender),
    .plugin_memory_read = SR_BARRIER(PluginMemoryRead),
    .health_set = SR_BARRIER(HealthSet),
    .server_endpoint = SR_BARRIER_OR(ServerEndpoint, kEmptyView),
};

#undef SR_BARRIER
#undef SR_BARRIER_OR

}  // namespace

const sr_host_api* HostApiTable() { return &kHostApi; }

}  // namespace sr::host
