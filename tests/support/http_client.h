#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sr::test {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive), or "".
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
};

// A small blocking HTTP/1.1 client on a raw socket, for tests: it keeps the connection open
// between requests and can also send arbitrary bytes, which hostile-client tests need.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Sends one request (reconnecting if needed) and reads the whole response. Throws
  // std::runtime_error on a socket error or timeout.
  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body = "", const Headers& headers = {});
  HttpResponse Get(const std::string& target, const Headers& headers = {}) {
    return Request("GET", target, "", headers);
  }
  HttpResponse Post(const std::string& target, const std::string& body,
                    const Headers& headers = {}) {
    Headers with_type = headers;
    with_type.emplace_back("Content-Type", "application/json");
    return Request("POST", target, body, with_type);
  }

  // Raw access.
  void Connect();
  void Close();
  bool connected() const { return fd_ >= 0; }
  void SendRaw(const std::string& bytes);
  // Reads one response from the connection (after SendRaw). `head_only`: HEAD request.
  HttpResponse ReadResponse(bool head_only = false);
  // True if the server closed the connection (reads EOF within `wait`).
  bool WaitForClose(std::chrono::milliseconds wait);
  // Reads whatever arrives within `wait` (for streams).
  std::string ReadSome(std::chrono::milliseconds wait);

  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  // A small receive buffer, applied before connecting: models a client that reads slowly.
  void set_receive_buffer(int bytes) { receive_buffer_ = bytes; }
  // Connects from this local address ("127.0.0.2"), so that one test can act as several
  // machines: the host listens on every loopback address. Applied at the next connection.
  void set_source_address(std::string address) { source_address_ = std::move(address); }
  int fd() const { return fd_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  std::string ReadLine(std::chrono::steady_clock::time_point deadline);
  std::string ReadExact(size_t size, std::chrono::steady_clock::time_point deadline);

  std::uint16_t port_;
  std::string host_;
  int fd_ = -1;
  bool must_reconnect_ = false;
  int receive_buffer_ = 0;
  std::string source_address_;
  std::string buffer_;
  std::chrono::milliseconds timeout_{10000};
};

// One request on a fresh connection.
HttpResponse Fetch(std::uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body = "", const HttpClient::Headers& headers = {});

// One request on a fresh connection from `source_address` (see set_source_address).
HttpResponse FetchFrom(const std::string& source_address, std::uint16_t port,
                       const std::string& method, const std::string& target,
                       const std::string& body = "", const HttpClient::Headers& headers = {});

}  // namespace sr::test
