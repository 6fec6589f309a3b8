#include "http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace sr::bench {

HttpConnection::HttpConnection(std::uint16_t port) : port_(port) {}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void HttpConnection::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    int error = errno;
    Close();
    throw std::runtime_error(std::string("connect: ") + std::strerror(error));
  }
}

HttpReply HttpConnection::Post(const std::string& target, const std::string& json,
                               const std::string& api_key) {
  std::string request =
      "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + api_key +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
      "\r\n\r\n" + json;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) Connect();
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      try {
        return ReadReply();
      } catch (const std::runtime_error&) {
        if (attempt == 1) throw;
      }
    }
    Close();  // the server closed an idle keep-alive connection: once more on a new one
  }
  throw std::runtime_error("request failed twice");
}

HttpReply HttpConnection::ReadReply() {
  char chunk[16384];
  std::size_t head_end = std::string::npos;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got <= 0) throw std::runtime_error("connection closed");
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
  HttpReply reply;
  std::from_chars(buffer_.data() + 9, buffer_.data() + 12, reply.status);
  std::size_t length = 0;
  std::size_t at = buffer_.find("Content-Length:");
  if (at == std::string::npos || at > head_end) at = buffer_.find("content-length:");
  if (at != std::string::npos && at < head_end) {
    std::size_t value = buffer_.find_first_not_of(' ', at + 15);
    std::from_chars(buffer_.data() + value, buffer_.data() + head_end, length);
  }
  std::size_t body_start = head_end + 4;
  while (buffer_.size() < body_start + length) {
    ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got <= 0) throw std::runtime_error("connection closed in a body");
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
  reply.body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return reply;
}

}  // namespace sr::bench
