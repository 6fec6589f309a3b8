#include "webhook_sender.h"

#include "wall_clock.h"

namespace sr::alerts {

bool IsRetryable(const PostResult& result) {
  if (result.status == 0) return true;
  return result.status == 408 || result.status == 429 || result.status >= 500;
}

WebhookSender::WebhookSender(WebhookOptions options, std::unique_ptr<WebhookTransport> transport,
                             Sink sink)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      sink_(std::move(sink)),
      bucket_(options_.rate_limit, options_.rate_limit_per, TokenBucket::Clock::now()) {
  thread_ = std::thread([this] { Run(); });
}

WebhookSender::~WebhookSender() { Stop(); }

bool WebhookSender::Enqueue(std::uint64_t notification_id, std::string body) {
  Item item;
  item.id = notification_id;
  item.body = std::move(body);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      Report(item, Delivery::State::kQueued);
      queue_.push_back(std::move(item));
      wake_.notify_one();
      return true;
    }
  }
  item.delivery.last_error = stopping_ ? "the registry is stopping"
                                       : "more than " + std::to_string(options_.max_queue) +
                                             " messages were waiting for this webhook";
  Report(item, Delivery::State::kDropped);
  return false;
}

std::size_t WebhookSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void WebhookSender::Report(const Item& item, Delivery::State state) {
  Delivery delivery = item.delivery;
  delivery.state = state;
  delivery.updated_ms = NowMs();
  sink_(item.id, delivery);
}

template <typename Duration>
void WebhookSender::WaitFor(std::unique_lock<std::mutex>& lock, Duration duration) {
  wake_.wait_for(lock, duration, [this] { return stopping_.load(); });
}

void WebhookSender::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      continue;
    }
    // Every attempt, retries included, spends a token: the limit protects the receiver.
    std::chrono::nanoseconds wait = bucket_.Take(TokenBucket::Clock::now());
    if (wait.count() > 0) {
      if (queue_.front().delivery.attempts == 0)
        Report(queue_.front(), Delivery::State::kRateLimited);
      WaitFor(lock, wait);
      continue;
    }
    Report(queue_.front(), Delivery::State::kSending);
    std::string body = queue_.front().body;  // the item stays at the head: only Run pops
    lock.unlock();
    PostResult result = transport_->Post(body, options_.timeout, stopping_);
    lock.lock();

    Item& item = queue_.front();
    ++item.delivery.attempts;
    item.delivery.last_status = result.status;
    item.delivery.last_error = result.error;
    if (result.status >= 200 && result.status < 300) {
      item.delivery.last_error.clear();
      Report(item, Delivery::State::kDelivered);
      queue_.pop_front();
      continue;
    }
    if (stopping_) break;
    if (!IsRetryable(result) || item.delivery.attempts >= options_.max_attempts) {
      Report(item, Delivery::State::kFailed);
      queue_.pop_front();
      continue;
    }
    std::chrono::milliseconds delay =
        BackoffDelay(item.delivery.attempts, options_.retry_initial, options_.retry_max);
    if (result.retry_after)
      delay = std::min(std::max(delay, *result.retry_after), options_.retry_max);
    Report(item, Delivery::State::kRetrying);
    WaitFor(lock, delay);
  }
}

}  // namespace sr::alerts
