#pragma once

#include <cstdint>
#include <string>

namespace sr::bench {

struct HttpReply {
  int status = 0;
  std::string body;
};

// One blocking keep-alive HTTP/1.1 connection to 127.0.0.1:<port>, for the load tool's
// registrations and heartbeats. Reconnects when the server closed it. Throws
// std::runtime_error on socket errors.
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  HttpReply Post(const std::string& target, const std::string& json, const std::string& api_key);

 private:
  void Connect();
  void Close();
  HttpReply ReadReply();

  std::uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace sr::bench
