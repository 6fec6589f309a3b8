// A webhook receiver for the end-to-end tests: a small HTTP/1.1 server on a loopback port
// that records each POST and answers with scripted statuses (then 200).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sr::alerts::testing {

struct ReceivedPost {
  std::string target;
  std::string body;
  std::chrono::steady_clock::time_point at;
  int answered = 0;
};

class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;
  // The next requests are answered with these statuses, in order.
  void Script(std::vector<int> statuses);
  std::vector<ReceivedPost> Posts() const;
  // Waits until `condition(Posts())` holds.
  bool WaitFor(const std::function<bool(const std::vector<ReceivedPost>&)>& condition,
               std::chrono::milliseconds timeout);

 private:
  void Accept();
  void Serve(int fd);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<int> script_;
  std::vector<ReceivedPost> posts_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace sr::alerts::testing
