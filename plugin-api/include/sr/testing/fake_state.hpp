// The state of sr::testing::FakeHost: what tests read back (responses, logs, events, stream
// messages) and what the opaque handles of sr/abi.h point to. HostState is shared by the
// sr_host_api entries (fake_abi.hpp) and the test-facing FakeHost (fake_host.hpp); its
// operations are the ones both need, with the host's locking and waiting rules.
#ifndef SR_TESTING_FAKE_STATE_HPP
#define SR_TESTING_FAKE_STATE_HPP

#include <sr/abi.h>
#include <sr/health_states.hpp>
#include <sr/metric_store.hpp>
#include <sr/plugin.hpp>
#include <sr/testing/fake_config.hpp>
#include <sr/testing/fake_http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sr::testing {

namespace fake_detail {
struct Abi;
struct HostState;
}  // namespace fake_detail

using Headers = fake_detail::Pairs;

// ---------------------------------------------------------------------------------------
// What tests read back
// ---------------------------------------------------------------------------------------

// A broadcast to a stream group, or (id 0) a message sent to one client with stream_send.
struct StreamEvent {
  std::uint64_t id = 0;
  std::string event;
  std::string data;
  std::uint32_t flags = 0;
};

// One event-stream client, created when a handler calls stream_open.
class FakeStreamClient {
 public:
  std::vector<StreamEvent> Events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  bool connected() const { return connected_.load(); }
  // Like the client closing its connection: it leaves the group and sends fail (SR_ERR_CLOSED).
  void Disconnect() { connected_.store(false); }
  // True once the plugin ended the stream with stream_close (ABI 1.2).
  bool closed_by_plugin() const { return closed_by_plugin_.load(); }

 private:
  friend struct fake_detail::Abi;
  // stream_close: false if the client was already gone.
  bool CloseByPlugin() {
    if (!connected_.exchange(false)) return false;
    closed_by_plugin_.store(true);
    return true;
  }
  bool Receive(const StreamEvent& event) {
    if (!connected()) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(event);
    return true;
  }

  mutable std::mutex mutex_;
  std::vector<StreamEvent> events_;
  std::atomic<bool> connected_{true};
  std::atomic<bool> closed_by_plugin_{false};
};

struct FakeResponse {
  int status = 0;
  Headers headers;  // added by the plugin and its filters (plus Allow on a 405)
  std::string content_type;
  std::string body;                          // empty for HEAD, as on the wire
  std::string error_message;                 // what the host's error log records for status >= 400
  std::shared_ptr<FakeStreamClient> stream;  // set when the handler opened an event stream

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (fake_detail::EqualsIgnoreCase(key, name)) return value;
    }
    return std::nullopt;
  }
};

// Outcome of Load and Start. `error` is what the plugin recorded (set_error, a config getter)
// or why the host refused; the real host prints it with the plugin's id and stops.
struct LifecycleResult {
  sr_status status = SR_OK;
  std::string error;
  bool ok() const { return status == SR_OK && error.empty(); }
};

struct LogLine {
  std::string plugin_id;
  int level = SR_LOG_INFO;
  std::string message;
};

struct PublishedEvent {
  std::string plugin_id;
  std::string topic;
  std::string payload;
};

// What happens to a route whose guard no loaded plugin provides (server.missing_guards).
enum class MissingGuards { kRefuse, kDeny, kAllow };
struct GuardStandIn {
  MissingGuards policy = MissingGuards::kRefuse;
  Headers attributes;  // with kAllow: set on the request, as an auth plugin's guard would
};

namespace fake_detail {

// ---------------------------------------------------------------------------------------
// What the opaque handles point to
// ---------------------------------------------------------------------------------------

inline std::string OneLine(std::string_view text) {  // plugin text reaches a log line
  std::string out(text.substr(0, 8192));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\0') c = ' ';
  }
  return out;
}

inline std::string JsonError(std::string_view message) {
  return "{\"error\":" + sr::JsonString(message) + "}";
}

// Copies min(size, sizeof(T)) bytes into a zeroed T: fields a plugin does not know read as 0.
template <typename T>
T CopyStruct(const T* in, std::uint32_t size) {
  T out{};
  std::memcpy(&out, in, std::min<std::size_t>(size, sizeof(T)));
  return out;
}

// A zero-copy body: the plugin's bytes, released exactly once when this is destroyed.
struct SharedBody {
  SharedBody(sr_str bytes_in, sr_release_fn release_in, void* ctx_in)
      : bytes(bytes_in), release(release_in), ctx(ctx_in) {}
  SharedBody(const SharedBody&) = delete;
  SharedBody& operator=(const SharedBody&) = delete;
  ~SharedBody() {
    if (release != nullptr) release(ctx);
  }
  sr_str bytes;
  sr_release_fn release;
  void* ctx;
};

struct ResponseState {
  int status = 200;
  Pairs headers;
  std::string content_type;
  std::string body;
  std::unique_ptr<SharedBody> shared;  // replaces `body` when set
  std::string error_message;           // set by response_error
  bool touched = false;
};

// {"error": message} with `status`, keeping the headers already added (as the host does).
inline void SetErrorResponse(ResponseState& response, int status, const std::string& message) {
  Pairs kept = std::move(response.headers);
  response = ResponseState{};
  response.status = status;
  response.headers = std::move(kept);
  response.content_type = "application/json";
  response.body = JsonError(message);
  response.error_message = message;
  response.touched = true;
}

// One request and its response; sr_request* and sr_response* both point here.
struct Exchange : std::enable_shared_from_this<Exchange> {
  enum class Phase { kGuarding, kHandling, kDeferred, kCompleted, kStreaming };
  HostState* host = nullptr;
  std::string method, raw_path, path, query, body, client_ip;
  bool secure = false;
  Pairs headers, path_params, query_params, cookies, attributes;
  std::shared_ptr<const RouteEntry> route;
  ResponseState response;
  std::atomic<Phase> phase{Phase::kGuarding};
  std::thread::id handler_thread;
  std::shared_ptr<FakeStreamClient> stream;
  std::mutex mutex;  // guards `done`
  std::condition_variable done_changed;
  bool done = false;  // response_complete has finished with the host
};

struct PluginSlot {  // sr_host* points here
  HostState* host = nullptr;
  sr_plugin_descriptor descriptor{};
  std::string id;
  std::vector<sr::Capability> provides, required, uses;
  std::unique_ptr<FakeConfig> config;
  std::deque<std::string> kept;  // views handed out by config getters
  std::string error;             // the first failure recorded
  void* instance = nullptr;
  bool initialized = false, started = false, stopping = false;
  // The thread running on_plugin_init, while it runs; no thread otherwise. The calls abi.h
  // reserves for init are refused at any other time, as the host refuses them.
  std::atomic<std::thread::id> init_thread{};

  bool Declares(std::uint32_t kind, std::string_view name, bool provided) const {
    auto in = [&](const std::vector<sr::Capability>& list) {
      return std::any_of(list.begin(), list.end(),
                         [&](const auto& c) { return c.kind == kind && c.name == name; });
    };
    return provided ? in(provides) : in(required) || in(uses);
  }
};

struct TaskEntry {
  std::uint64_t id = 0;
  const PluginSlot* owner = nullptr;
  std::string name;
  sr_task_fn fn = nullptr;
  void* ctx = nullptr;
  std::int64_t due_ms = 0;
  std::uint64_t period_ms = 0;
  bool running = false, cancelled = false;
  std::thread::id runner;
};

struct Subscriber {
  std::uint64_t id = 0;
  const PluginSlot* owner = nullptr;
  std::string pattern;
  sr_event_fn fn = nullptr;
  void* ctx = nullptr;
  bool active = true;
  std::vector<std::thread::id> delivering;  // threads inside fn right now
};

struct StreamGroupState {  // sr_stream_group* points here
  HostState* host = nullptr;
  const PluginSlot* owner = nullptr;
  std::string name;
  sr_stream_group_options options{};
  std::vector<std::shared_ptr<FakeStreamClient>> clients;
  std::deque<StreamEvent> replay;
  std::uint64_t replay_bytes = 0;  // of names and data; the host counts framed bytes
  std::vector<StreamEvent> broadcasts;
  std::uint64_t next_event_id = 1;
};

// Handles the plugin gives back (stream_release, task_cancel, event_unsubscribe).
struct StreamRef {
  std::shared_ptr<FakeStreamClient> client;
};
struct TaskRef {
  HostState* host;
  std::uint64_t id;
};
struct SubscriptionRef {
  HostState* host;
  std::uint64_t id;
};

struct GuardEntry {
  sr_guard_fn fn;
  void* ctx;
  const PluginSlot* owner;
};
struct FilterEntry {
  sr_response_filter_fn fn;
  void* ctx;
  const PluginSlot* owner;
};
struct ServiceEntry {
  const PluginSlot* owner;  // nullptr: injected by the test
  std::uint32_t version;
  const void* vtable;
};

// ---------------------------------------------------------------------------------------
// The shared state. `mutex` guards every member below it; plugin code never runs under it.
// ---------------------------------------------------------------------------------------

struct HostState {
  using Lock = std::unique_lock<std::mutex>;
  // Error-log timestamps are this plus the fake clock, so that tests are reproducible.
  static constexpr std::int64_t kEpochMs = 1700000000000;  // 2023-11-14T22:13:20Z

  sr::metrics::Store metrics;  // ABI 1.3; has its own locks (not `mutex`)
  mutable std::mutex mutex;
  std::condition_variable idle;  // a task run or an event delivery ended
  // Every plugin loaded, in load order (owned by FakeHost): plugin_memory_read asks the
  // started ones for their reports.
  std::vector<const PluginSlot*> slots;
  std::filesystem::path base_dir = std::filesystem::current_path();
  std::string data_dir;
  GuardStandIn missing_guards;
  bool started = false;
  RouteTable routes;
  std::map<std::string, GuardEntry, std::less<>> guards;
  std::vector<FilterEntry> filters;
  std::map<std::string, ServiceEntry, std::less<>> services;
  std::map<std::uint64_t, std::shared_ptr<TaskEntry>> tasks;
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::map<std::string, std::unique_ptr<StreamGroupState>, std::less<>> groups;
  std::vector<std::shared_ptr<Exchange>> deferred;  // alive until response_complete
  std::vector<PublishedEvent> published;
  std::vector<LogLine> logs;
  std::vector<ErrorEntry> errors;
  sr::HealthStates health;  // the plugins that said they are degraded (ABI 1.4)
  // What server_endpoint answers (ABI 1.4); the fake host listens nowhere.
  std::string server_endpoint = "127.0.0.1:8081";
  sr_host_stats stats{};
  std::int64_t now_ms = 0;
  std::uint64_t next_id = 1;
  std::uint64_t next_error_sequence = 1;

  template <typename T>
  std::vector<T> Copy(const std::vector<T>& items) const {
    std::lock_guard<std::mutex> lock(mutex);
    return items;
  }
  void AddLog(const std::string& plugin_id, int level, std::string message) {
    std::lock_guard<std::mutex> lock(mutex);
    logs.push_back(LogLine{plugin_id, level, std::move(message)});
  }
  void RecordError(PluginSlot& slot, std::string message) {  // the first one, like the host
    std::lock_guard<std::mutex> lock(mutex);
    if (slot.error.empty()) slot.error = std::move(message);
  }
  std::string ErrorOf(const PluginSlot& slot) const {
    std::lock_guard<std::mutex> lock(mutex);
    return slot.error;
  }

  // The host's own barrier, for plugins written without the SDK: nothing a plugin throws
  // unwinds into the test. Returns false when `fn` threw.
  template <typename Fn>
  bool Shielded(const std::string& plugin_id, const std::string& what, Fn&& fn) {
    try {
      fn();
      return true;
    } catch (const std::exception& e) {
      AddLog(plugin_id, SR_LOG_ERROR, what + " threw: " + e.what());
    } catch (...) {
      AddLog(plugin_id, SR_LOG_ERROR, what + " threw");
    }
    return false;
  }

  // Cancels tasks and waits for their running invocations, unless one runs on this very
  // thread (a task cancelling itself), as task_cancel promises.
  void CancelTasks(const std::function<bool(const TaskEntry&)>& which) {
    Lock lock(mutex);
    std::vector<std::shared_ptr<TaskEntry>> cancelled;
    for (auto it = tasks.begin(); it != tasks.end();) {
      if (!which(*it->second)) {
        ++it;
        continue;
      }
      it->second->cancelled = true;
      cancelled.push_back(it->second);
      it = tasks.erase(it);
    }
    idle.wait(lock, [&] {
      return std::none_of(cancelled.begin(), cancelled.end(), [](const auto& task) {
        return task->running && task->runner != std::this_thread::get_id();
      });
    });
  }

  // Ends subscriptions and waits for deliveries in progress on other threads.
  void Unsubscribe(const std::function<bool(const Subscriber&)>& which) {
    Lock lock(mutex);
    std::vector<std::shared_ptr<Subscriber>> removed;
    for (auto it = subscribers.begin(); it != subscribers.end();) {
      if (!which(**it)) {
        ++it;
        continue;
      }
      (*it)->active = false;
      removed.push_back(*it);
      it = subscribers.erase(it);
    }
    idle.wait(lock, [&] {
      return std::all_of(removed.begin(), removed.end(), [](const auto& subscriber) {
        return std::all_of(subscriber->delivering.begin(), subscriber->delivering.end(),
                           [](auto id) { return id == std::this_thread::get_id(); });
      });
    });
  }

  // Runs one task outside the lock; a periodic one is then due one period later.
  void RunTaskLocked(Lock& lock, const std::shared_ptr<TaskEntry>& task) {
    task->running = true;
    task->runner = std::this_thread::get_id();
    lock.unlock();
    Shielded(task->owner->id, "task '" + task->name + "'", [&] { task->fn(task->ctx); });
    lock.lock();
    task->running = false;
    task->runner = std::thread::id();
    if (!task->cancelled && task->period_ms == 0) {
      tasks.erase(task->id);  // a one-shot is done; a handle to it stays valid until cancelled
    } else if (!task->cancelled) {
      task->due_ms += static_cast<std::int64_t>(task->period_ms);
    }
    idle.notify_all();
  }

  // Synchronous delivery to every matching subscriber ("prefix.*" matches below the prefix).
  void DeliverEvent(std::string_view topic, std::string_view payload) {
    auto matches = [&](std::string_view pattern) {
      if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
        std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot
        return topic.size() > prefix.size() && topic.substr(0, prefix.size()) == prefix;
      }
      return pattern == "*" || pattern == topic;
    };
    std::vector<std::shared_ptr<Subscriber>> targets;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& subscriber : subscribers) {
        if (matches(subscriber->pattern)) targets.push_back(subscriber);
      }
    }
    for (const auto& subscriber : targets) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!subscriber->active) continue;  // removed while an earlier one ran
        subscriber->delivering.push_back(std::this_thread::get_id());
      }
      Shielded(subscriber->owner->id, "subscriber of '" + std::string(topic) + "'",
               [&] { subscriber->fn(subscriber->ctx, ToStr(topic), ToStr(payload)); });
      {
        std::lock_guard<std::mutex> lock(mutex);
        auto& threads = subscriber->delivering;
        threads.erase(std::find(threads.begin(), threads.end(), std::this_thread::get_id()));
      }
      idle.notify_all();
    }
  }

  // Appends to the error log and, like the host, publishes the entry as "http.error".
  std::uint64_t AddErrorEntry(int status, std::string method, std::string path, std::string message,
                              std::string client_ip) {
    ErrorEntry entry;
    {
      std::lock_guard<std::mutex> lock(mutex);
      entry = ErrorEntry{next_error_sequence++, status,          kEpochMs + now_ms,
                         std::move(method),     std::move(path), message.substr(0, 1024),
                         std::move(client_ip)};
      errors.push_back(entry);
    }
    auto seconds = static_cast<std::time_t>(entry.timestamp_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char timestamp[64];
    std::snprintf(timestamp, sizeof(timestamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                  utc.tm_sec, static_cast<int>(entry.timestamp_ms % 1000));
    DeliverEvent("http.error",
                 "{\"sequence\":" + std::to_string(entry.sequence) + ",\"timestamp\":\"" +
                     timestamp + "\",\"status\":" + std::to_string(status) + ",\"method\":" +
                     sr::JsonString(entry.method) + ",\"path\":" + sr::JsonString(entry.path) +
                     ",\"message\":" + sr::JsonString(entry.message) +
                     ",\"client_ip\":" + sr::JsonString(entry.client_ip) + "}");
    return entry.sequence;
  }

  // Takes back everything a plugin registered: on a failed init, and after destroy.
  void Withdraw(const PluginSlot& slot) {
    metrics.RemoveCollectors(slot.id);
    CancelTasks([&](const TaskEntry& task) { return task.owner == &slot; });
    Unsubscribe([&](const Subscriber& subscriber) { return subscriber.owner == &slot; });
    std::lock_guard<std::mutex> lock(mutex);
    routes.RemoveIf([&](const RouteEntry& route) { return route.owner == &slot; });
    auto erase_owned = [&](auto& map, auto owner_of) {
      for (auto it = map.begin(); it != map.end();) {
        it = owner_of(it->second) == &slot ? map.erase(it) : std::next(it);
      }
    };
    erase_owned(guards, [](const GuardEntry& guard) { return guard.owner; });
    erase_owned(services, [](const ServiceEntry& service) { return service.owner; });
    erase_owned(groups,
                [](const std::unique_ptr<StreamGroupState>& group) { return group->owner; });
    filters.erase(std::remove_if(filters.begin(), filters.end(),
                                 [&](const FilterEntry& filter) { return filter.owner == &slot; }),
                  filters.end());
    health.Set(slot.id, false, {});
  }
};

}  // namespace fake_detail
}  // namespace sr::testing

#endif  // SR_TESTING_FAKE_STATE_HPP
