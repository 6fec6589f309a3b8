#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sr::test {

namespace {

bool IEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return value;
  }
  return "";
}

bool HttpResponse::HasHeader(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return true;
  }
  return false;
}

HttpClient::HttpClient(std::uint16_t port, std::string host)
    : port_(port), host_(std::move(host)) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Connect() {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (receive_buffer_ > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_, sizeof(receive_buffer_));
  }
  if (!source_address_.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_address_.c_str(), &source.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
      int error = errno;
      Close();
      throw std::runtime_error("bind to source address " + source_address_ + ": " +
                               std::strerror(error));
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  ::inet_pton(AF_INET, host_.c_str(), &address.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    int error = errno;
    Close();
    throw std::runtime_error(std::string("connect: ") + std::strerror(error));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  buffer_.clear();
}

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  must_reconnect_ = false;
}

void HttpClient::SendRaw(const std::string& bytes) {
  if (fd_ < 0) Connect();
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
}

bool HttpClient::Fill(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out waiting for the server");
    pollfd item{fd_, POLLIN, 0};
    int ready = ::poll(&item, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    if (n == 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::string HttpClient::ReadLine(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!Fill(deadline)) throw std::runtime_error("connection closed mid-response");
  }
}

std::string HttpClient::ReadExact(size_t size, std::chrono::steady_clock::time_point deadline) {
  while (buffer_.size() < size) {
    if (!Fill(deadline)) throw std::runtime_error("connection closed mid-body");
  }
  std::string out = buffer_.substr(0, size);
  buffer_.erase(0, size);
  return out;
}

HttpResponse HttpClient::ReadResponse(bool head_only) {
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  HttpResponse response;
  std::string status_line = ReadLine(deadline);
  // HTTP/1.1 200 OK
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
    throw std::runtime_error("malformed status line: " + status_line);
  }
  response.status = std::stoi(status_line.substr(9, 3));
  response.reason = status_line.size() > 13 ? status_line.substr(13) : "";
  while (true) {
    std::string line = ReadLine(deadline);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers.emplace_back(name, value);
  }
  if (response.status == 100) return ReadResponse(head_only);
  bool no_body = head_only || response.status == 204 || response.status == 304 ||
                 (response.status >= 100 && response.status < 200);
  if (no_body) return response;
  if (IEquals(response.Header("Transfer-Encoding"), "chunked")) {
    while (true) {
      std::string size_line = ReadLine(deadline);
      size_t size = std::stoul(size_line, nullptr, 16);
      if (size == 0) {
        ReadLine(deadline);
        break;
      }
      response.body += ReadExact(size, deadline);
      ReadLine(deadline);
    }
  } else if (response.HasHeader("Content-Length")) {
    response.body = ReadExact(std::stoul(response.Header("Content-Length")), deadline);
  } else {
    while (Fill(deadline)) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
  }
  // The server will close: the next Request() starts a new connection, but the socket stays
  // open until then so that tests can watch the server close it.
  if (IEquals(response.Header("Connection"), "close")) must_reconnect_ = true;
  return response;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target,
                                 const std::string& body, const Headers& headers) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    request += name + ": " + value + "\r\n";
    if (IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding")) has_length = true;
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  if (must_reconnect_) Close();
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = fd_ >= 0;
    try {
      SendRaw(request);
      return ReadResponse(method == "HEAD");
    } catch (const std::runtime_error&) {
      // A kept-alive connection the server closed meanwhile: retry once on a fresh one.
      Close();
      if (!reused || attempt == 1) throw;
    }
  }
  throw std::runtime_error("unreachable");
}

bool HttpClient::WaitForClose(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  try {
    while (true) {
      if (!Fill(deadline)) return true;
    }
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    return what.find("recv") != std::string::npos;  // reset by peer counts as closed
  }
}

std::string HttpClient::ReadSome(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  try {
    while (std::chrono::steady_clock::now() < deadline) {
      if (!Fill(deadline)) break;
    }
  } catch (const std::runtime_error&) {
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

HttpResponse Fetch(std::uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body, const HttpClient::Headers& headers) {
  HttpClient client(port);
  return client.Request(method, target, body, headers);
}

HttpResponse FetchFrom(const std::string& source_address, std::uint16_t port,
                       const std::string& method, const std::string& target,
                       const std::string& body, const HttpClient::Headers& headers) {
  HttpClient client(port);
  client.set_source_address(source_address);
  return client.Request(method, target, body, headers);
}

}  // namespace sr::test
