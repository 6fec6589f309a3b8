// The alerts that are firing, the recent messages and how their delivery went.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "alert.h"

namespace sr::alerts {

// Where one message stands with one webhook.
struct Delivery {
  enum class State { kQueued, kSending, kRateLimited, kRetrying, kDelivered, kFailed, kDropped };
  State state = State::kQueued;
  int attempts = 0;
  int last_status = 0;     // the webhook's last HTTP status (0: none)
  std::string last_error;  // why the last attempt failed
  std::int64_t updated_ms = 0;
};
std::string_view DeliveryStateName(Delivery::State state);

class JsonObject;
// The fields a message has wherever it is shown (GET /api/alerts, the webhook body).
JsonObject NotificationObject(const Notification& notification);

struct AlertBookOptions {
  // A firing alert is sent again after this long without news (0: never).
  std::chrono::milliseconds repeat_interval{std::chrono::hours(4)};
  std::size_t history = 200;          // recent messages kept for GET /api/alerts
  std::vector<std::string> webhooks;  // names, in configuration order
};

// De-duplication: a firing alert is sent when it starts, then again only with news or after
// the repeat interval, and once more when it resolves. Thread-safe: the rules apply signals
// on the evaluation task while webhook threads record deliveries and handlers read.
class AlertBook {
 public:
  explicit AlertBook(AlertBookOptions options);

  // The messages `signals` call for, in order, recorded in the history.
  std::vector<Notification> Apply(const Signals& signals, std::int64_t now_ms);
  void SetDelivery(std::uint64_t notification_id, std::size_t webhook, Delivery delivery);

  // {"active": [...], "recent": [...]} for GET /api/alerts: the firing alerts (oldest first)
  // and at most `limit` recent messages (newest first) with each webhook's delivery.
  std::string Json(std::size_t limit) const;
  std::size_t ActiveCount() const;

 private:
  struct Active {
    Notification last;  // the latest firing content
    std::int64_t last_sent_ms = 0;
  };
  struct Entry {
    Notification notification;
    std::vector<Delivery> deliveries;  // one per webhook
  };

  Notification Record(Notification notification);

  AlertBookOptions options_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, Active> active_;  // by key
  std::deque<Entry> recent_;              // oldest first
};

}  // namespace sr::alerts
