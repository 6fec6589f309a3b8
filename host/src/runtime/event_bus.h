#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sr::host {

// Publish/subscribe between plugins. Publishing copies the payload into a bounded queue and
// returns at once; one dispatcher thread delivers events in publication order, so a slow
// subscriber delays others but never a publisher. A full queue drops the newest event and
// counts it.
class EventBus {
 public:
  using SubscriptionId = std::uint64_t;
  using Handler = std::function<void(std::string_view topic, std::string_view payload)>;

  explicit EventBus(size_t capacity);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // `pattern` is a topic, or a prefix followed by ".*".
  SubscriptionId Subscribe(std::string owner, std::string pattern, Handler handler);
  // Waits for a delivery in progress unless called from the dispatcher thread.
  void Unsubscribe(SubscriptionId id);
  void UnsubscribeOwner(const std::string& owner);
  // False when the event was dropped (queue full or bus stopped).
  bool Publish(std::string topic, std::string payload);
  // Waits until every event published so far has been delivered (tests, shutdown).
  void Drain();
  void Shutdown();
  std::uint64_t dropped() const;
  // True once Shutdown() began: every later Publish is refused.
  bool stopping() const;

  static bool Matches(std::string_view pattern, std::string_view topic);

 private:
  struct Subscription {
    SubscriptionId id;
    std::string owner;
    std::string pattern;
    Handler handler;
    bool active = true;
  };
  struct Event {
    std::string topic;
    std::string payload;
  };

  void DispatchLoop();
  void WaitForDelivery(std::unique_lock<std::mutex>& lock, SubscriptionId id);

  size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable queue_ready_;
  std::condition_variable delivered_;
  std::deque<Event> queue_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  SubscriptionId next_id_ = 1;
  SubscriptionId delivering_ = 0;  // subscription being called right now
  bool busy_ = false;              // an event is being delivered
  bool stopping_ = false;
  std::uint64_t dropped_ = 0;
  std::thread::id dispatcher_id_;
  std::thread dispatcher_;
};

}  // namespace sr::host
