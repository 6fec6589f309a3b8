#include "alert_book.h"

#include <sr/rfc3339.hpp>

#include <algorithm>

#include "json_object.h"

namespace sr::alerts {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "warning";
}

std::string_view DeliveryStateName(Delivery::State state) {
  switch (state) {
    case Delivery::State::kQueued:
      return "queued";
    case Delivery::State::kSending:
      return "sending";
    case Delivery::State::kRateLimited:
      return "rate_limited";
    case Delivery::State::kRetrying:
      return "retrying";
    case Delivery::State::kDelivered:
      return "delivered";
    case Delivery::State::kFailed:
      return "failed";
    case Delivery::State::kDropped:
      return "dropped";
  }
  return "queued";
}

JsonObject NotificationObject(const Notification& n) {
  JsonObject object;
  object.Uint("id", n.id)
      .Str("alert", n.name)
      .Str("key", n.key)
      .Str("severity", SeverityName(n.severity))
      .Str("state", n.resolved ? "resolved" : "firing")
      .Bool("repeat", n.repeat)
      .Str("summary", n.summary)
      .Raw("details", n.details)
      .Str("time", sr::Rfc3339Millis(n.time_ms))
      .Str("since", sr::Rfc3339Millis(n.since_ms));
  return object;
}

AlertBook::AlertBook(AlertBookOptions options) : options_(std::move(options)) {
  options_.history = std::max<std::size_t>(options_.history, 1);
}

Notification AlertBook::Record(Notification notification) {
  notification.id = next_id_++;
  Entry entry{notification, std::vector<Delivery>(options_.webhooks.size())};
  for (Delivery& delivery : entry.deliveries) delivery.updated_ms = notification.time_ms;
  recent_.push_back(std::move(entry));
  while (recent_.size() > options_.history) recent_.pop_front();
  return notification;
}

std::vector<Notification> AlertBook::Apply(const Signals& signals, std::int64_t now_ms) {
  std::vector<Notification> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Signal& signal : signals) {
    Notification message;
    message.key = signal.key;
    message.name = signal.name;
    message.severity = signal.severity;
    message.summary = signal.summary;
    message.details = signal.details;
    message.time_ms = now_ms;
    message.since_ms = now_ms;
    switch (signal.kind) {
      case Signal::Kind::kNotice:
        out.push_back(Record(std::move(message)));
        break;
      case Signal::Kind::kFire: {
        auto it = active_.find(signal.key);
        if (it == active_.end()) {
          Notification sent = Record(std::move(message));
          active_.emplace(signal.key, Active{sent, now_ms});
          out.push_back(std::move(sent));
          break;
        }
        Active& active = it->second;
        message.since_ms = active.last.since_ms;
        bool due = options_.repeat_interval.count() > 0 &&
                   now_ms - active.last_sent_ms >= options_.repeat_interval.count();
        if (!signal.news && !due) {
          // The latest figures are shown by GET /api/alerts under the id last sent.
          message.id = active.last.id;
          message.repeat = active.last.repeat;
          active.last = std::move(message);
          break;
        }
        message.repeat = true;
        active.last = Record(std::move(message));
        active.last_sent_ms = now_ms;
        out.push_back(active.last);
        break;
      }
      case Signal::Kind::kResolve: {
        auto it = active_.find(signal.key);
        if (it == active_.end()) break;
        message.resolved = true;
        message.since_ms = it->second.last.since_ms;
        active_.erase(it);
        out.push_back(Record(std::move(message)));
        break;
      }
    }
  }
  return out;
}

void AlertBook::SetDelivery(std::uint64_t notification_id, std::size_t webhook, Delivery delivery) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Ids increase along the deque: find the entry from the newest end, where deliveries are.
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it) {
    if (it->notification.id == notification_id) {
      if (webhook < it->deliveries.size()) it->deliveries[webhook] = std::move(delivery);
      return;
    }
    if (it->notification.id < notification_id) return;
  }
}

std::size_t AlertBook::ActiveCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return active_.size();
}

namespace {

std::string NotificationJson(const Notification& n, const std::string& deliveries) {
  JsonObject object = NotificationObject(n);
  if (!deliveries.empty()) object.Raw("deliveries", deliveries);
  return object.Done();
}

}  // namespace

std::string AlertBook::Json(std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const Notification*> firing;
  for (const auto& [key, active] : active_) firing.push_back(&active.last);
  std::sort(firing.begin(), firing.end(), [](const Notification* a, const Notification* b) {
    return a->since_ms != b->since_ms ? a->since_ms < b->since_ms : a->key < b->key;
  });
  std::vector<std::string> active;
  for (const Notification* n : firing) active.push_back(NotificationJson(*n, ""));

  std::vector<std::string> recent;
  for (auto it = recent_.rbegin(); it != recent_.rend() && recent.size() < limit; ++it) {
    std::vector<std::string> deliveries;
    for (std::size_t i = 0; i < it->deliveries.size(); ++i) {
      const Delivery& d = it->deliveries[i];
      deliveries.push_back(JsonObject()
                               .Str("webhook", options_.webhooks[i])
                               .Str("state", DeliveryStateName(d.state))
                               .Int("attempts", d.attempts)
                               .Int("last_status", d.last_status)
                               .Str("last_error", d.last_error)
                               .Str("updated", sr::Rfc3339Millis(d.updated_ms))
                               .Done());
    }
    recent.push_back(NotificationJson(it->notification, JsonArray(deliveries)));
  }
  return JsonObject().Raw("active", JsonArray(active)).Raw("recent", JsonArray(recent)).Done();
}

}  // namespace sr::alerts
