#include "http/socket_channel.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace sr::host {

namespace {

class PlainChannel final : public SocketChannel {
 public:
  explicit PlainChannel(int fd) : fd_(fd) {}
  bool secure() const override { return false; }
  Status Handshake() override { return Status::kOk; }

  Result Read(char* buffer, size_t capacity) override {
    while (true) {
      ssize_t received = ::recv(fd_, buffer, capacity, 0);
      if (received > 0) return {Status::kOk, static_cast<size_t>(received)};
      if (received == 0) return {Status::kClosed, 0};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Status::kWantRead, 0};
      return {Status::kError, 0};
    }
  }

  Result Write(const iovec* vectors, int count) override {
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(vectors);
    message.msg_iovlen = static_cast<size_t>(count);
    while (true) {
      ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
      if (sent >= 0) return {Status::kOk, static_cast<size_t>(sent)};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Status::kWantWrite, 0};
      return {Status::kError, 0};
    }
  }

  Result SendFile(int file_fd, std::uint64_t offset, size_t length) override {
    auto position = static_cast<off_t>(offset);
    while (true) {
      ssize_t sent = ::sendfile(fd_, file_fd, &position, length);
      if (sent > 0) return {Status::kOk, static_cast<size_t>(sent)};
      if (sent == 0) return {Status::kError, 0};  // the file shrank under us
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Status::kWantWrite, 0};
      return {Status::kError, 0};
    }
  }

  void ShutdownWrite() override { ::shutdown(fd_, SHUT_WR); }

 private:
  int fd_;
};

class TlsChannel final : public SocketChannel {
 public:
  TlsChannel(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~TlsChannel() override { SSL_free(ssl_); }
  bool secure() const override { return true; }

  Status Handshake() override {
    if (SSL_is_init_finished(ssl_)) return Status::kOk;
    ERR_clear_error();
    int result = SSL_do_handshake(ssl_);
    return result == 1 ? Status::kOk : Classify(result);
  }

  Result Read(char* buffer, size_t capacity) override {
    ERR_clear_error();
    size_t read = 0;
    int result = SSL_read_ex(ssl_, buffer, capacity, &read);
    if (result == 1) return {Status::kOk, read};
    return {Classify(0), 0};
  }

  Result Write(const iovec* vectors, int count) override {
    // TLS records are written one buffer at a time; the queue calls again for the rest.
    for (int i = 0; i < count; ++i) {
      if (vectors[i].iov_len == 0) continue;
      return WriteBuffer(static_cast<const char*>(vectors[i].iov_base), vectors[i].iov_len);
    }
    return {Status::kOk, 0};
  }

  Result SendFile(int file_fd, std::uint64_t offset, size_t length) override {
    // A pending staged chunk must be written again with the same bytes (OpenSSL's rule for
    // retried writes), so the staging buffer only refills once it has been sent.
    if (staged_offset_ != offset || staged_.empty()) {
      size_t chunk = std::min<size_t>(length, kStagingBytes);
      staged_.resize(chunk);
      ssize_t got = ::pread(file_fd, staged_.data(), chunk, static_cast<off_t>(offset));
      if (got <= 0) return {Status::kError, 0};
      staged_.resize(static_cast<size_t>(got));
      staged_offset_ = offset;
    }
    Result result = WriteBuffer(staged_.data(), staged_.size());
    if (result.status == Status::kOk) {
      if (result.bytes == staged_.size()) {
        staged_.clear();
      } else {
        staged_.erase(staged_.begin(), staged_.begin() + static_cast<long>(result.bytes));
        staged_offset_ += result.bytes;
      }
    }
    return result;
  }

  void ShutdownWrite() override {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ::shutdown(fd_, SHUT_WR);
  }

 private:
  static constexpr size_t kStagingBytes = 64 * 1024;

  Result WriteBuffer(const char* data, size_t length) {
    ERR_clear_error();
    size_t written = 0;
    int result = SSL_write_ex(ssl_, data, length, &written);
    if (result == 1) return {Status::kOk, written};
    return {Classify(0), 0};
  }

  Status Classify(int result) {
    switch (SSL_get_error(ssl_, result)) {
      case SSL_ERROR_WANT_READ:
        return Status::kWantRead;
      case SSL_ERROR_WANT_WRITE:
        return Status::kWantWrite;
      case SSL_ERROR_ZERO_RETURN:
        return Status::kClosed;
      default:
        return Status::kError;
    }
  }

  int fd_;
  SSL* ssl_;
  std::vector<char> staged_;
  std::uint64_t staged_offset_ = 0;
};

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

}  // namespace

std::unique_ptr<SocketChannel> MakePlainChannel(int fd) {
  return std::make_unique<PlainChannel>(fd);
}

std::unique_ptr<SocketChannel> MakeTlsChannel(int fd, SSL* ssl) {
  return std::make_unique<TlsChannel>(fd, ssl);
}

TlsContext::TlsContext(const std::string& cert_path, const std::string& key_path) {
  context_ = SSL_CTX_new(TLS_server_method());
  if (context_ == nullptr) throw std::runtime_error("TLS: cannot create a context");
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  SSL_CTX_set_mode(context_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(
      context_, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(context_, cert_path.c_str()) != 1) {
    std::string error = OpenSslError();
    SSL_CTX_free(context_);
    throw std::runtime_error("TLS certificate " + cert_path + ": " + error);
  }
  if (SSL_CTX_use_PrivateKey_file(context_, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    std::string error = OpenSslError();
    SSL_CTX_free(context_);
    throw std::runtime_error("TLS key " + key_path + ": " + error);
  }
  if (SSL_CTX_check_private_key(context_) != 1) {
    SSL_CTX_free(context_);
    throw std::runtime_error("TLS key " + key_path + " does not match certificate " + cert_path);
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(context_); }

std::unique_ptr<SocketChannel> TlsContext::Wrap(int fd) const {
  SSL* ssl = SSL_new(context_);
  if (ssl == nullptr) return nullptr;
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  return MakeTlsChannel(fd, ssl);
}

}  // namespace sr::host
