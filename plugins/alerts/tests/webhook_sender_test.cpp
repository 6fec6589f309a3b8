// The sender's thread against a scripted transport: order, retries with backoff, permanent
// failures, the rate limit, a full queue and stopping mid-attempt.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "rate_limit.h"
#include "webhook_sender.h"

namespace sr::alerts {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Answers with the scripted statuses in turn (then 200) and records each attempt.
class ScriptedTransport final : public WebhookTransport {
 public:
  struct Shared {
    std::mutex mutex;
    std::vector<int> script;
    std::vector<std::pair<std::string, Clock::time_point>> attempts;
    std::chrono::milliseconds hold{0};  // each attempt takes this long (or until stopped)
  };
  explicit ScriptedTransport(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  PostResult Post(const std::string& body, std::chrono::milliseconds,
                  const std::atomic<bool>& stop) override {
    std::chrono::milliseconds hold;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->attempts.emplace_back(body, Clock::now());
      hold = shared_->hold;
    }
    auto until = Clock::now() + hold;
    while (Clock::now() < until && !stop) std::this_thread::sleep_for(1ms);
    if (stop && hold.count() > 0) return PostResult{0, "stopped", std::nullopt};
    std::lock_guard<std::mutex> lock(shared_->mutex);
    PostResult result;
    result.status = 200;
    if (!shared_->script.empty()) {
      result.status = shared_->script.front();
      shared_->script.erase(shared_->script.begin());
    }
    if (result.status == 0) result.error = "connection refused";
    if (result.status == 429) result.retry_after = 150ms;  // as a Retry-After header says
    return result;
  }

 private:
  std::shared_ptr<Shared> shared_;
};

// The deliveries reported, by message id.
struct Reports {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::uint64_t, std::vector<Delivery>> by_id;

  WebhookSender::Sink Sink() {
    return [this](std::uint64_t id, const Delivery& delivery) {
      std::lock_guard<std::mutex> lock(mutex);
      by_id[id].push_back(delivery);
      changed.notify_all();
    };
  }
  bool WaitFor(std::uint64_t id, Delivery::State state, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, timeout, [&] {
      auto it = by_id.find(id);
      return it != by_id.end() && !it->second.empty() && it->second.back().state == state;
    });
  }
  Delivery Last(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex);
    return by_id[id].back();
  }
  bool Saw(std::uint64_t id, Delivery::State state) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const Delivery& d : by_id[id]) {
      if (d.state == state) return true;
    }
    return false;
  }
};

WebhookOptions FastOptions() {
  WebhookOptions options;
  options.name = "test";
  options.retry_initial = 20ms;
  options.retry_max = 80ms;
  options.max_attempts = 4;
  options.rate_limit = 1000;
  options.rate_limit_per = 1s;
  return options;
}

TEST(WebhookSenderTest, RetriesWithExponentialBackoffUntilDelivered) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  shared->script = {500, 0, 503};
  Reports reports;
  WebhookSender sender(FastOptions(), std::make_unique<ScriptedTransport>(shared), reports.Sink());
  ASSERT_TRUE(sender.Enqueue(1, "one"));
  ASSERT_TRUE(reports.WaitFor(1, Delivery::State::kDelivered));
  Delivery last = reports.Last(1);
  EXPECT_EQ(last.attempts, 4);
  EXPECT_EQ(last.last_status, 200);
  EXPECT_TRUE(reports.Saw(1, Delivery::State::kRetrying));
  std::lock_guard<std::mutex> lock(shared->mutex);
  ASSERT_EQ(shared->attempts.size(), 4u);
  // 20 ms, 40 ms, 80 ms between attempts.
  EXPECT_GE(shared->attempts[1].second - shared->attempts[0].second, 20ms);
  EXPECT_GE(shared->attempts[2].second - shared->attempts[1].second, 40ms);
  EXPECT_GE(shared->attempts[3].second - shared->attempts[2].second, 80ms);
}

TEST(WebhookSenderTest, TheReceiversRetryAfterIsHonouredUpToTheCap) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  shared->script = {429};
  Reports reports;
  WebhookOptions options = FastOptions();
  options.retry_max = 1s;
  WebhookSender sender(options, std::make_unique<ScriptedTransport>(shared), reports.Sink());
  sender.Enqueue(1, "one");
  ASSERT_TRUE(reports.WaitFor(1, Delivery::State::kDelivered));
  std::lock_guard<std::mutex> lock(shared->mutex);
  ASSERT_EQ(shared->attempts.size(), 2u);
  EXPECT_GE(shared->attempts[1].second - shared->attempts[0].second, 150ms);  // not 20 ms
}

TEST(WebhookSenderTest, GivesUpAfterMaxAttemptsAndKeepsOrder) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  shared->script = {500, 500, 500, 500};
  Reports reports;
  WebhookSender sender(FastOptions(), std::make_unique<ScriptedTransport>(shared), reports.Sink());
  sender.Enqueue(1, "one");
  sender.Enqueue(2, "two");
  ASSERT_TRUE(reports.WaitFor(1, Delivery::State::kFailed));
  EXPECT_EQ(reports.Last(1).attempts, 4);
  EXPECT_EQ(reports.Last(1).last_status, 500);
  ASSERT_TRUE(reports.WaitFor(2, Delivery::State::kDelivered));
  std::lock_guard<std::mutex> lock(shared->mutex);
  EXPECT_EQ(shared->attempts.back().first, "two");
}

TEST(WebhookSenderTest, AClientErrorIsNotRetried) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  shared->script = {404};
  Reports reports;
  WebhookSender sender(FastOptions(), std::make_unique<ScriptedTransport>(shared), reports.Sink());
  sender.Enqueue(1, "one");
  ASSERT_TRUE(reports.WaitFor(1, Delivery::State::kFailed));
  EXPECT_EQ(reports.Last(1).attempts, 1);
  EXPECT_TRUE(IsRetryable(PostResult{429, "", std::nullopt}));
  EXPECT_TRUE(IsRetryable(PostResult{408, "", std::nullopt}));
  EXPECT_FALSE(IsRetryable(PostResult{400, "", std::nullopt}));
}

TEST(WebhookSenderTest, TheRateLimitPacesMessages) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  Reports reports;
  WebhookOptions options = FastOptions();
  options.rate_limit = 2;
  options.rate_limit_per = 2s;  // a burst of 2, then one a second
  WebhookSender sender(options, std::make_unique<ScriptedTransport>(shared), reports.Sink());
  for (std::uint64_t id = 1; id <= 4; ++id) sender.Enqueue(id, std::to_string(id));
  ASSERT_TRUE(reports.WaitFor(4, Delivery::State::kDelivered));
  EXPECT_TRUE(reports.Saw(3, Delivery::State::kRateLimited));
  std::lock_guard<std::mutex> lock(shared->mutex);
  ASSERT_EQ(shared->attempts.size(), 4u);
  auto start = shared->attempts[0].second;
  EXPECT_LT(shared->attempts[1].second - start, 900ms);
  EXPECT_GE(shared->attempts[2].second - start, 990ms);
  EXPECT_GE(shared->attempts[3].second - start, 1990ms);
}

TEST(WebhookSenderTest, AFullQueueDropsNewMessages) {
  auto shared = std::make_shared<ScriptedTransport::Shared>();
  shared->hold = 10s;  // the first attempt hangs until Stop
  Reports reports;
  WebhookOptions options = FastOptions();
  options.max_queue = 2;
  WebhookSender sender(options, std::make_unique<ScriptedTransport>(shared), reports.Sink());
  EXPECT_TRUE(sender.Enqueue(1, "one"));
  EXPECT_TRUE(sender.Enqueue(2, "two"));
  EXPECT_FALSE(sender.Enqueue(3, "three"));
  EXPECT_TRUE(reports.Saw(3, Delivery::State::kDropped));
  // Stop ends the hanging attempt at once and says what was left.
  auto before = Clock::now();
  EXPECT_EQ(sender.Stop(), 2u);
  EXPECT_LT(Clock::now() - before, 2s);
  EXPECT_FALSE(sender.Enqueue(4, "four"));
}

TEST(TokenBucketTest, RefillsOneTokenPerInterval) {
  auto t0 = TokenBucket::Clock::now();
  TokenBucket bucket(2, 1000ms, t0);
  EXPECT_EQ(bucket.Take(t0).count(), 0);
  EXPECT_EQ(bucket.Take(t0).count(), 0);
  EXPECT_EQ(bucket.Take(t0 + 100ms), std::chrono::nanoseconds(400ms));
  EXPECT_EQ(bucket.Take(t0 + 500ms).count(), 0);
  EXPECT_GT(bucket.Take(t0 + 500ms).count(), 0);
  EXPECT_EQ(bucket.Take(t0 + 5000ms).count(), 0);
  EXPECT_EQ(bucket.Take(t0 + 5000ms).count(), 0);
  EXPECT_GT(bucket.Take(t0 + 5000ms).count(), 0);  // never more than the burst
}

TEST(BackoffTest, DoublesUpToTheCap) {
  EXPECT_EQ(BackoffDelay(1, 2s, 60s), 2s);
  EXPECT_EQ(BackoffDelay(2, 2s, 60s), 4s);
  EXPECT_EQ(BackoffDelay(5, 2s, 60s), 32s);
  EXPECT_EQ(BackoffDelay(6, 2s, 60s), 60s);
  EXPECT_EQ(BackoffDelay(60, 2s, 60s), 60s);
}

}  // namespace
}  // namespace sr::alerts
