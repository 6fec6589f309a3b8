#include "runtime/event_bus.h"

#include <spdlog/spdlog.h>

namespace sr::host {

EventBus::EventBus(size_t capacity) : capacity_(capacity) {
  dispatcher_ = std::thread([this] { DispatchLoop(); });
  std::lock_guard<std::mutex> lock(mutex_);
  dispatcher_id_ = dispatcher_.get_id();
}

EventBus::~EventBus() { Shutdown(); }

bool EventBus::Matches(std::string_view pattern, std::string_view topic) {
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot
    return topic.size() > prefix.size() && topic.substr(0, prefix.size()) == prefix;
  }
  return pattern == "*" || pattern == topic;
}

EventBus::SubscriptionId EventBus::Subscribe(std::string owner, std::string pattern,
                                             Handler handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto subscription = std::make_shared<Subscription>();
  subscription->id = next_id_++;
  subscription->owner = std::move(owner);
  subscription->pattern = std::move(pattern);
  subscription->handler = std::move(handler);
  subscriptions_.push_back(subscription);
  return subscription->id;
}

void EventBus::WaitForDelivery(std::unique_lock<std::mutex>& lock, SubscriptionId id) {
  if (std::this_thread::get_id() == dispatcher_id_) return;
  delivered_.wait(lock, [&] { return delivering_ != id; });
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (auto it = subscriptions_.begin(); it != subscriptions_.end(); ++it) {
    if ((*it)->id == id) {
      (*it)->active = false;
      subscriptions_.erase(it);
      break;
    }
  }
  WaitForDelivery(lock, id);
}

void EventBus::UnsubscribeOwner(const std::string& owner) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<SubscriptionId> removed;
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    if ((*it)->owner == owner) {
      (*it)->active = false;
      removed.push_back((*it)->id);
      it = subscriptions_.erase(it);
    } else {
      ++it;
    }
  }
  for (SubscriptionId id : removed) WaitForDelivery(lock, id);
}

bool EventBus::Publish(std::string topic, std::string payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return false;
  if (queue_.size() >= capacity_) {
    if (dropped_++ % 1000 == 0) {
      spdlog::warn("event queue full ({} events): dropping '{}'", capacity_, topic);
    }
    return false;
  }
  queue_.push_back(Event{std::move(topic), std::move(payload)});
  queue_ready_.notify_one();
  return true;
}

void EventBus::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (std::this_thread::get_id() == dispatcher_id_) return;
  delivered_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void EventBus::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    queue_ready_.notify_all();
  }
  if (dispatcher_.joinable()) dispatcher_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.clear();
  subscriptions_.clear();
  delivered_.notify_all();
}

std::uint64_t EventBus::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

bool EventBus::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

void EventBus::DispatchLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    queue_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Event event = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    // Deliver to a snapshot; a subscription removed meanwhile is skipped via `active`.
    std::vector<std::shared_ptr<Subscription>> targets;
    for (const auto& subscription : subscriptions_) {
      if (Matches(subscription->pattern, event.topic)) targets.push_back(subscription);
    }
    for (const auto& subscription : targets) {
      if (!subscription->active) continue;
      delivering_ = subscription->id;
      lock.unlock();
      try {
        subscription->handler(event.topic, event.payload);
      } catch (const std::exception& e) {
        spdlog::error("subscriber of '{}' ({}) threw: {}", event.topic, subscription->owner,
                      e.what());
      } catch (...) {
        spdlog::error("subscriber of '{}' ({}) threw", event.topic, subscription->owner);
      }
      lock.lock();
      delivering_ = 0;
      delivered_.notify_all();
    }
    busy_ = false;
    delivered_.notify_all();
  }
}

}  // namespace sr::host
