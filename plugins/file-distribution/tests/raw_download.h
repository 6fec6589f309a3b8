// A download read by hand from the socket, for tests that stop or slow down mid-body.
#pragma once

#include <sys/socket.h>

#include <stdexcept>
#include <string>

#include "http_client.h"

namespace sr::file_distribution::testing {

class RawDownload {
 public:
  // Sends GET `target`; `receive_buffer` > 0 makes the client a slow reader.
  RawDownload(std::uint16_t port, const std::string& target, int receive_buffer = 0)
      : client_(port) {
    if (receive_buffer > 0) client_.set_receive_buffer(receive_buffer);
    client_.SendRaw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  // Reads until the head and at least `body_bytes` of the body have arrived; returns the head.
  const std::string& ReadHeadAndBody(std::size_t body_bytes) {
    while (head_.empty() || body_.size() < body_bytes) {
      char chunk[16384];
      ssize_t got = ::recv(client_.fd(), chunk, sizeof(chunk), 0);
      if (got <= 0) throw std::runtime_error("the download ended early");
      body_.append(chunk, static_cast<std::size_t>(got));
      if (head_.empty()) {
        std::size_t end = body_.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        head_ = body_.substr(0, end + 4);
        body_.erase(0, end + 4);
      }
    }
    return head_;
  }

  const std::string& body() const { return body_; }
  void Close() { client_.Close(); }

 private:
  sr::test::HttpClient client_;
  std::string head_;
  std::string body_;
};

}  // namespace sr::file_distribution::testing
