#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sr::spawner_registry::testing {

// A spawner's HTTP side on a loopback port, for the spawn proxy: it answers every request
// with a canned response, or, when silent, accepts and reads but never answers.
class FakeSpawner {
 public:
  struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body = "{\"instance\":\"started\"}";
  };

  explicit FakeSpawner(Reply reply, bool silent = false);
  ~FakeSpawner();
  FakeSpawner(const FakeSpawner&) = delete;
  FakeSpawner& operator=(const FakeSpawner&) = delete;

  std::uint16_t port() const { return port_; }
  // Request heads and bodies received so far ("POST /spawn HTTP/1.1\r\n...").
  std::vector<std::string> requests() const;
  // Connections accepted so far, with or without a request.
  int connections() const { return connections_.load(); }

 private:
  void Serve();
  void Handle(int client);

  Reply reply_;
  bool silent_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::vector<int> held_;  // connections a silent spawner keeps open
  std::thread thread_;
};

// A loopback port on which nothing listens (bound, then released).
std::uint16_t ClosedPort();

}  // namespace sr::spawner_registry::testing
