#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace sr::host {

// How bytes move on one connection: a plain socket, or TLS over it. Non-blocking: every
// call either makes progress or says what it waits for.
class SocketChannel {
 public:
  enum class Status { kOk, kWantRead, kWantWrite, kClosed, kError };
  struct Result {
    Status status = Status::kOk;
    size_t bytes = 0;
  };

  virtual ~SocketChannel() = default;
  virtual bool secure() const = 0;
  // Completes the TLS handshake (plain sockets are always ready).
  virtual Status Handshake() = 0;
  virtual Result Read(char* buffer, size_t capacity) = 0;
  virtual Result Write(const iovec* vectors, int count) = 0;
  // Sends part of a file. TLS has no zero-copy path: it reads into `staging` first.
  virtual Result SendFile(int file_fd, std::uint64_t offset, size_t length) = 0;
  // Tells the peer no more data follows (TCP FIN, after close_notify for TLS).
  virtual void ShutdownWrite() = 0;
};

std::unique_ptr<SocketChannel> MakePlainChannel(int fd);
// Takes an SSL object configured for `fd` in server mode.
std::unique_ptr<SocketChannel> MakeTlsChannel(int fd, SSL* ssl);

// The server's certificate and key. Throws std::runtime_error naming the file on failure.
class TlsContext {
 public:
  TlsContext(const std::string& cert_path, const std::string& key_path);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A new TLS channel over `fd`.
  std::unique_ptr<SocketChannel> Wrap(int fd) const;

 private:
  SSL_CTX* context_ = nullptr;
};

}  // namespace sr::host
