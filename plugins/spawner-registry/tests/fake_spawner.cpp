#include "fake_spawner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace sr::spawner_registry::testing {

namespace {

int ListenOnLoopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

// Reads one request: the head, then Content-Length bytes of body.
std::string ReadRequest(int client) {
  std::string data;
  char buffer[4096];
  std::size_t body_start = std::string::npos;
  std::size_t wanted = 0;
  while (true) {
    pollfd poll_fd{client, POLLIN, 0};
    if (::poll(&poll_fd, 1, 2000) <= 0) break;
    ssize_t got = ::recv(client, buffer, sizeof(buffer), 0);
    if (got <= 0) break;
    data.append(buffer, static_cast<std::size_t>(got));
    if (body_start == std::string::npos) {
      std::size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      body_start = end + 4;
      std::string head = data.substr(0, end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t at = head.find("content-length:");
      if (at != std::string::npos) wanted = std::stoul(head.substr(at + 15));
    }
    if (data.size() >= body_start + wanted) break;
  }
  return data;
}

}  // namespace

FakeSpawner::FakeSpawner(Reply reply, bool silent) : reply_(std::move(reply)), silent_(silent) {
  listener_ = ListenOnLoopback(port_);
  thread_ = std::thread([this] { Serve(); });
}

FakeSpawner::~FakeSpawner() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  thread_.join();
  ::close(listener_);
  for (int fd : held_) ::close(fd);
}

std::vector<std::string> FakeSpawner::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void FakeSpawner::Serve() {
  while (!stopping_) {
    pollfd poll_fd{listener_, POLLIN, 0};
    if (::poll(&poll_fd, 1, 50) <= 0) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    connections_.fetch_add(1);
    Handle(client);
  }
}

void FakeSpawner::Handle(int client) {
  std::string request = ReadRequest(client);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    if (silent_) {
      held_.push_back(client);
      return;
    }
  }
  std::string response = "HTTP/1.1 " + std::to_string(reply_.status) + " Canned\r\n" +
                         "Content-Type: " + reply_.content_type + "\r\n" +
                         "Content-Length: " + std::to_string(reply_.body.size()) + "\r\n" +
                         "Connection: close\r\n\r\n" + reply_.body;
  std::size_t sent = 0;
  while (sent < response.size()) {
    ssize_t wrote = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (wrote <= 0) break;
    sent += static_cast<std::size_t>(wrote);
  }
  ::close(client);
}

std::uint16_t ClosedPort() {
  std::uint16_t port = 0;
  int fd = ListenOnLoopback(port);
  ::close(fd);
  return port;
}

}  // namespace sr::spawner_registry::testing
