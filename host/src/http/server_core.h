#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "http/connection_limits.h"
#include "http/router.h"
#include "metrics/http_metrics.h"

namespace sr::host {

class Exchange;
class ErrorLog;
class EventBus;
class HostStats;
class Mailbox;
class TaskScheduler;
class TlsContext;

// What a guard decided about a request (see sr/http/guard.hpp for how alternatives combine).
enum class GuardDecision { kAllow, kDeny, kAbstain };

// A guard: decides on an exchange, given the text after ':' in the route's guard term.
struct GuardEntry {
  std::string name;
  std::function<GuardDecision(Exchange&, std::string_view argument)> fn;
  std::string owner;
};

// Sees every response just before it is sent.
struct FilterEntry {
  std::function<void(Exchange&)> fn;
  std::string owner;
};

// State shared by every I/O thread: limits, the route table, guards, filters, statistics.
// Routes are copy-on-write: readers take a snapshot without locking anything long.
class ServerCore {
 public:
  ServerCore(const ServerConfig& config, HostStats& stats, ErrorLog& errors, EventBus& events,
             TaskScheduler& scheduler, HttpMetrics& http_metrics);

  const ServerConfig& config() const { return config_; }
  HostStats& stats() { return stats_; }
  ErrorLog& errors() { return errors_; }
  EventBus& events() { return events_; }
  TaskScheduler& scheduler() { return scheduler_; }
  HttpMetrics& http_metrics() { return http_metrics_; }

  std::shared_ptr<const RouteTable> routes() const;
  // Empty on success, else why the route was refused.
  std::string AddRoute(Route route);

  // False if the name is already registered.
  bool AddGuard(GuardEntry guard);
  const GuardEntry* FindGuard(std::string_view name) const;
  std::set<std::string> GuardNames() const;
  void AddFilter(FilterEntry filter);
  // Removes every route, guard and filter of a plugin that failed or is being destroyed.
  void RemoveOwner(const std::string& owner);
  const std::vector<FilterEntry>& filters() const { return filters_; }

  void RegisterMailbox(const std::shared_ptr<Mailbox>& mailbox);
  void ForEachMailbox(const std::function<void(const std::shared_ptr<Mailbox>&)>& fn) const;

  // Connections per client address, and every I/O thread's idle keep-alive connections.
  AddressCounter& addresses() { return addresses_; }
  IdleConnections& idle_connections() { return idle_connections_; }

  // Null when the server speaks plain HTTP.
  const TlsContext* tls() const { return tls_.get(); }
  void set_tls(std::shared_ptr<const TlsContext> tls) { tls_ = std::move(tls); }

  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void set_draining() { draining_.store(true, std::memory_order_release); }

  // Counts an error response, stores it in the error log and publishes `http.error`.
  void RecordError(const Exchange& exchange, int status, const std::string& message);
  // Same for errors before an exchange exists (malformed requests).
  void RecordError(std::string_view method, std::string_view path, int status,
                   const std::string& message, const std::string& client_ip);

 private:
  const ServerConfig& config_;
  HostStats& stats_;
  ErrorLog& errors_;
  EventBus& events_;
  TaskScheduler& scheduler_;
  HttpMetrics& http_metrics_;

  mutable std::mutex mutex_;
  std::shared_ptr<const RouteTable> routes_;
  std::map<std::string, GuardEntry, std::less<>> guards_;
  std::vector<FilterEntry> filters_;
  std::vector<std::weak_ptr<Mailbox>> mailboxes_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<const TlsContext> tls_;
  AddressCounter addresses_;
  IdleConnections idle_connections_;
};

}  // namespace sr::host
