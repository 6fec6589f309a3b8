#include "http/server_core.h"

#include <algorithm>

#include "http/exchange.h"
#include "http/mailbox.h"
#include "runtime/error_log.h"
#include "runtime/event_bus.h"
#include "runtime/host_stats.h"
#include "util/strings.h"
#include "util/time.h"

namespace sr::host {

ServerCore::ServerCore(const ServerConfig& config, HostStats& stats, ErrorLog& errors,
                       EventBus& events, TaskScheduler& scheduler, HttpMetrics& http_metrics)
    : config_(config),
      stats_(stats),
      errors_(errors),
      events_(events),
      scheduler_(scheduler),
      http_metrics_(http_metrics),
      routes_(std::make_shared<const RouteTable>()),
      addresses_(config.max_connections_per_address) {}

std::shared_ptr<const RouteTable> ServerCore::routes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return routes_;
}

std::string ServerCore::AddRoute(Route route) {
  route.metrics = http_metrics_.ForRoute(route.pattern);
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<RouteTable>(*routes_);
  std::string problem = next->Add(std::move(route));
  if (problem.empty()) routes_ = std::move(next);
  return problem;
}

bool ServerCore::AddGuard(GuardEntry guard) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string name = guard.name;
  return guards_.emplace(std::move(name), std::move(guard)).second;
}

const GuardEntry* ServerCore::FindGuard(std::string_view name) const {
  // Guards are only added during init, before any request; entries never move afterwards.
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = guards_.find(name);
  return it == guards_.end() ? nullptr : &it->second;
}

std::set<std::string> ServerCore::GuardNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> names;
  for (const auto& [name, entry] : guards_) names.insert(name);
  return names;
}

void ServerCore::AddFilter(FilterEntry filter) {
  std::lock_guard<std::mutex> lock(mutex_);
  filters_.push_back(std::move(filter));
}

void ServerCore::RemoveOwner(const std::string& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<RouteTable>(*routes_);
  next->RemoveIf([&](const Route& route) { return route.owner_id == owner; });
  routes_ = std::move(next);
  for (auto it = guards_.begin(); it != guards_.end();) {
    it = it->second.owner == owner ? guards_.erase(it) : std::next(it);
  }
  filters_.erase(std::remove_if(filters_.begin(), filters_.end(),
                                [&](const FilterEntry& filter) { return filter.owner == owner; }),
                 filters_.end());
}

void ServerCore::RegisterMailbox(const std::shared_ptr<Mailbox>& mailbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  mailboxes_.push_back(mailbox);
}

void ServerCore::ForEachMailbox(
    const std::function<void(const std::shared_ptr<Mailbox>&)>& fn) const {
  std::vector<std::shared_ptr<Mailbox>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& weak : mailboxes_) {
      if (auto mailbox = weak.lock()) live.push_back(std::move(mailbox));
    }
  }
  for (const auto& mailbox : live) fn(mailbox);
}

void ServerCore::RecordError(const Exchange& exchange, int status, const std::string& message) {
  RecordError(exchange.head.method, exchange.head.path(), status, message, exchange.client_ip);
}

void ServerCore::RecordError(std::string_view method, std::string_view path, int status,
                             const std::string& message, const std::string& client_ip) {
  stats_.CountError();
  ErrorLog::Entry entry;
  entry.timestamp_ms = UnixMillis();
  entry.status = status;
  entry.method = std::string(method);
  entry.path = std::string(path.substr(0, 2048));
  entry.message = message.substr(0, 1024);
  entry.client_ip = client_ip;
  ErrorLog::Entry stored = errors_.Record(std::move(entry));
  std::string payload = "{\"sequence\":" + std::to_string(stored.sequence) + ",\"timestamp\":\"" +
                        Rfc3339Millis(stored.timestamp_ms) +
                        "\",\"status\":" + std::to_string(stored.status) + ",\"method\":\"";
  AppendJsonEscaped(payload, stored.method);
  payload += "\",\"path\":\"";
  AppendJsonEscaped(payload, stored.path);
  payload += "\",\"message\":\"";
  AppendJsonEscaped(payload, stored.message);
  payload += "\",\"client_ip\":\"";
  AppendJsonEscaped(payload, stored.client_ip);
  payload += "\"}";
  events_.Publish("http.error", std::move(payload));
}

}  // namespace sr::host
