#include "fake_agent.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace sr::game_instances::testing {

namespace {

// The head and Content-Length bytes of body of one request ("" when the client went away).
bool ReadOne(int fd, std::string& method, std::string& path) {
  std::string data;
  char chunk[2048];
  std::size_t head_end = std::string::npos;
  std::size_t length = 0;
  for (;;) {
    pollfd wait{fd, POLLIN, 0};
    if (::poll(&wait, 1, 3000) <= 0) return false;
    ssize_t got = ::recv(fd, chunk, sizeof(chunk), 0);
    if (got <= 0) return false;
    data.append(chunk, static_cast<std::size_t>(got));
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      for (const char* name : {"Content-Length:", "content-length:"}) {
        std::size_t at = data.find(name);
        if (at != std::string::npos && at < head_end) length = std::stoul(data.substr(at + 15));
      }
    }
    if (data.size() >= head_end + 4 + length) break;
  }
  std::size_t space = data.find(' ');
  std::size_t second = data.find(' ', space + 1);
  if (space == std::string::npos || second == std::string::npos) return false;
  method = data.substr(0, space);
  path = data.substr(space + 1, second - space - 1);
  return true;
}

}  // namespace

FakeAgent::FakeAgent(std::string region, int max_instances, int delay_ms)
    : region_(std::move(region)), max_instances_(max_instances), delay_ms_(delay_ms) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ||
      ::listen(listener_, 512)) {
    throw std::runtime_error("the fake agent cannot listen");
  }
  socklen_t size = sizeof(address);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakeAgent::~FakeAgent() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  thread_.join();
  for (auto& worker : workers_) worker.join();
  ::close(listener_);
  for (int fd : held_) ::close(fd);
}

void FakeAgent::Serve() {
  for (;;) {
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    if (mode_ == Mode::kSilent) {
      std::lock_guard<std::mutex> lock(mutex_);
      held_.push_back(client);
      continue;
    }
    if (delay_ms_ == 0) {
      Handle(client);
    } else {  // slow agents answer in parallel, as real ones do
      std::lock_guard<std::mutex> lock(mutex_);
      workers_.emplace_back([this, client] { Handle(client); });
    }
  }
}

void FakeAgent::Handle(int client) {
  std::string method;
  std::string path;
  if (ReadOne(client, method, path)) {
    if (method == "POST" && path == "/spawn") ++spawns_received_;
    Gauge* gauge = method == "GET" && path == "/instances" ? gauge_.load() : nullptr;
    if (gauge != nullptr) {
      int now = ++gauge->now;
      int peak = gauge->peak.load();
      while (now > peak && !gauge->peak.compare_exchange_weak(peak, now)) {
      }
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    int status = 200;
    std::string body = Answer(method, path, status);
    if (gauge != nullptr) --gauge->now;
    std::string reply =
        "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
  ::close(client);
}

std::string FakeAgent::InstanceJson(const std::string& id, int port) const {
  return "{\"id\":\"" + id + "\",\"port\":" + std::to_string(port) +
         ",\"pid\":4242,\"status\":\"running\",\"region\":\"" + region_ +
         "\",\"start_time\":\"2026-12-06T10:00:00Z\"}";
}

std::string FakeAgent::Answer(const std::string& method, const std::string& path, int& status) {
  if (mode_ == Mode::kFailing) {
    if (method == "POST") ++spawn_requests_;
    status = 500;
    return "{\"error\":\"the agent is broken\"}";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (method == "POST" && path == "/spawn") {
    ++spawn_requests_;
    if (static_cast<int>(running_.size()) >= max_instances_) {
      ++beyond_max_;
      status = 500;
      return "{\"error\":\"full\"}";
    }
    std::string id = "inst-" + std::to_string(port_) + "-" + std::to_string(next_++);
    int game_port = 30000 + next_;
    running_[id] = game_port;
    return InstanceJson(id, game_port);
  }
  if (method == "GET" && path == "/instances") {
    ++list_requests_;
    std::string body = "{\"instances\":[";
    bool first = true;
    for (const auto& [id, game_port] : running_) {
      if (!first) body += ',';
      first = false;
      body += InstanceJson(id, game_port);
    }
    return body + "]}";
  }
  const std::string prefix = "/instance/";
  if (method == "DELETE" && path.rfind(prefix, 0) == 0) {
    std::string id = path.substr(prefix.size());
    if (refuse_delete_ || running_.erase(id) == 0) {
      status = 500;
      return refuse_delete_ ? "{\"error\":\"cannot stop it now\"}"
                            : "{\"error\":\"instance not found\"}";
    }
    deleted_.push_back(id);
    return "{\"message\":\"instance stopped\",\"id\":\"" + id + "\"}";
  }
  if (method == "GET" && path == "/health") {
    return "{\"status\":\"online\",\"region\":\"" + region_ + "\",\"uptime\":\"1m\"}";
  }
  status = 404;
  return "{\"error\":\"not found\"}";
}

std::string FakeAgent::StartLocally() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string id = "local-" + std::to_string(port_) + "-" + std::to_string(next_++);
  running_[id] = 30000 + next_;
  return id;
}

void FakeAgent::Kill(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_.erase(id);
}

std::vector<std::string> FakeAgent::Running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, port] : running_) ids.push_back(id);
  return ids;
}

std::vector<std::string> FakeAgent::deleted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return deleted_;
}

}  // namespace sr::game_instances::testing
