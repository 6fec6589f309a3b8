#include "webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cstdlib>
#include <stdexcept>

namespace sr::alerts::testing {

namespace {

// Reads into `buffer` until it holds `size` bytes; false on close, error or stop.
bool ReadUntil(int fd, std::string& buffer, std::size_t size, const std::atomic<bool>& stopping) {
  char chunk[4096];
  while (buffer.size() < size) {
    pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 50);
    if (stopping) return false;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

WebhookReceiver::WebhookReceiver() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("the webhook receiver cannot listen");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  acceptor_.join();
  for (std::thread& connection : connections_) connection.join();
  ::close(listener_);
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::Script(std::vector<int> statuses) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_ = std::move(statuses);
}

std::vector<ReceivedPost> WebhookReceiver::Posts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return posts_;
}

bool WebhookReceiver::WaitFor(
    const std::function<bool(const std::vector<ReceivedPost>&)>& condition,
    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition(Posts())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition(Posts());
}

void WebhookReceiver::Accept() {
  while (!stopping_) {
    pollfd pfd{listener_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.emplace_back([this, fd] {
      Serve(fd);
      ::close(fd);
    });
  }
}

void WebhookReceiver::Serve(int fd) {
  std::string buffer;
  while (!stopping_) {
    std::size_t end = std::string::npos;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadUntil(fd, buffer, buffer.size() + 1, stopping_)) return;
    }
    std::string head = buffer.substr(0, end);
    std::size_t length = 0;
    std::size_t line = 0;
    while ((line = head.find("\r\n", line)) != std::string::npos) {
      line += 2;
      if (strncasecmp(head.c_str() + line, "Content-Length:", 15) == 0) {
        length = std::strtoul(head.c_str() + line + 15, nullptr, 10);
      }
    }
    if (!ReadUntil(fd, buffer, end + 4 + length, stopping_)) return;
    ReceivedPost post;
    std::size_t space = head.find(' ');
    post.target = head.substr(space + 1, head.find(' ', space + 1) - space - 1);
    post.body = buffer.substr(end + 4, length);
    post.at = std::chrono::steady_clock::now();
    buffer.erase(0, end + 4 + length);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      post.answered = 200;
      if (!script_.empty()) {
        post.answered = script_.front();
        script_.erase(script_.begin());
      }
      posts_.push_back(post);
    }
    std::string answer =
        "HTTP/1.1 " + std::to_string(post.answered) + " Scripted\r\nContent-Length: 0\r\n\r\n";
    if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) return;
  }
}

}  // namespace sr::alerts::testing
