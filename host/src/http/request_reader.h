#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request_head.h"

namespace sr::host {

class Exchange;

// The request side of a connection: bytes read from the socket and not yet consumed (heads
// of pipelined requests wait here), and the body of the current request taken from them,
// by Content-Length or chunked. Parses nothing beyond the body; ParseRequestHead parses heads.
class RequestReader {
 public:
  enum class BodyStatus { kNeedMore, kComplete, kError };

  void Append(const char* data, size_t size) { input_.append(data, size); }
  // The bytes not consumed yet.
  std::string_view unread() const { return std::string_view(input_).substr(offset_); }
  size_t buffered() const { return input_.size() - offset_; }
  bool empty() const { return offset_ >= input_.size(); }
  void Consume(size_t bytes) { offset_ += bytes; }
  // Drops consumed bytes (and spare capacity once nothing is buffered).
  void Compact();
  // Forgets everything buffered: nothing more is read from this connection.
  void Clear();

  // Starts the body of the current request; a chunked body may not exceed `limit` bytes
  // (a declared Content-Length was checked against it before).
  void BeginBody(std::uint64_t limit);
  // Moves what is available of the body into `exchange.body`.
  BodyStatus ReadBody(Exchange& exchange);
  // Why a chunked body was refused (after kError).
  int body_error_status() const { return chunked_.error_status(); }
  const std::string& body_error() const { return chunked_.error(); }

 private:
  std::string input_;
  size_t offset_ = 0;
  ChunkedDecoder chunked_;
  std::uint64_t body_limit_ = 0;
};

}  // namespace sr::host
