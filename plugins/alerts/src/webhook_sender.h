// Delivers messages to one webhook on a thread of its own, in order: a token bucket paces
// them, a failed attempt is retried with exponential backoff, and the outcome of every step is
// reported (for GET /api/alerts). No request or task thread ever waits for a webhook.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "alert_book.h"
#include "rate_limit.h"

namespace sr::alerts {

struct WebhookOptions {
  std::string name;  // shown in GET /api/alerts and the log (never the URL: it is a secret)
  std::string url;
  std::chrono::milliseconds timeout{5000};  // one attempt, connection included
  std::uint32_t rate_limit = 20;            // messages per rate_limit_per (a burst of as many)
  std::chrono::milliseconds rate_limit_per{std::chrono::minutes(1)};
  std::chrono::milliseconds retry_initial{std::chrono::seconds(2)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
  int max_attempts = 8;
  std::size_t max_queue = 100;  // messages waiting; more are dropped (and shown as dropped)
};

// The answer to one POST.
struct PostResult {
  int status = 0;     // 0: no HTTP answer (connection failed, timed out, stopped)
  std::string error;  // why, when status is 0 or not 2xx
  std::optional<std::chrono::milliseconds> retry_after;  // the receiver's Retry-After
};

// One HTTP POST of a JSON body. Called from the sender's thread only. `stop` turns true when
// the sender stops: an attempt in progress should end soon.
class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual PostResult Post(const std::string& body, std::chrono::milliseconds timeout,
                          const std::atomic<bool>& stop) = 0;
};

// 2xx: delivered. 408, 429, 5xx and no answer: retried. Any other status: failed at once (a
// wrong or deleted hook does not heal by itself).
bool IsRetryable(const PostResult& result);

class WebhookSender {
 public:
  using Sink = std::function<void(std::uint64_t notification_id, const Delivery& delivery)>;

  WebhookSender(WebhookOptions options, std::unique_ptr<WebhookTransport> transport, Sink sink);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // False when the queue is full or the sender stopped: the message is reported dropped.
  bool Enqueue(std::uint64_t notification_id, std::string body);
  // Ends an attempt in progress and joins the thread; messages still queued are not sent.
  // Returns how many were left.
  std::size_t Stop();

  const WebhookOptions& options() const { return options_; }

 private:
  struct Item {
    std::uint64_t id = 0;
    std::string body;
    Delivery delivery;
  };

  void Run();
  void Report(const Item& item, Delivery::State state);
  template <typename Duration>
  void WaitFor(std::unique_lock<std::mutex>& lock, Duration duration);

  WebhookOptions options_;
  std::unique_ptr<WebhookTransport> transport_;
  Sink sink_;
  TokenBucket bucket_;

  std::mutex mutex_;  // guards queue_
  std::condition_variable wake_;
  std::deque<Item> queue_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sr::alerts
