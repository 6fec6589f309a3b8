#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sr::bench {

// Incremental parser of one HTTP/1.1 event-stream response: the head, chunked transfer
// coding, and server-sent events. Built for the load tool: bytes go in as they arrive, each
// complete event comes out through the callback.
class SseParser {
 public:
  using EventFn =
      std::function<void(std::string_view event, std::string_view data, std::string_view id)>;
  explicit SseParser(EventFn on_event) : on_event_(std::move(on_event)) {}

  // False on a protocol error (see error()).
  bool Feed(std::string_view bytes);

  int status() const { return status_; }
  bool ended() const { return state_ == State::kEnded; }  // the terminating chunk arrived
  std::uint64_t comments() const { return comments_; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kHead, kChunkSize, kChunkData, kChunkEnd, kEnded, kFailed };

  bool ParseHead();
  void Decoded(std::string_view text);
  void Line(std::string_view line);
  bool Fail(std::string message);

  EventFn on_event_;
  State state_ = State::kHead;
  std::string pending_;  // undecoded bytes
  std::string text_;     // decoded text not yet split into lines
  std::uint64_t chunk_left_ = 0;
  bool chunked_ = false;
  int status_ = 0;
  std::string event_;
  std::string data_;
  std::string id_;
  bool has_data_ = false;
  std::uint64_t comments_ = 0;
  std::string error_;
};

}  // namespace sr::bench
