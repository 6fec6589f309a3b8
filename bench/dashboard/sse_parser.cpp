#include "sse_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sr::bench {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool SseParser::Fail(std::string message) {
  state_ = State::kFailed;
  error_ = std::move(message);
  return false;
}

bool SseParser::ParseHead() {
  std::size_t end = pending_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (pending_.size() > 64 * 1024) return Fail("response head too large");
    return true;
  }
  std::string head = Lower(std::string_view(pending_).substr(0, end));
  if (head.rfind("http/1.1 ", 0) != 0 || head.size() < 12) return Fail("not an HTTP/1.1 response");
  std::from_chars(head.data() + 9, head.data() + 12, status_);
  chunked_ = head.find("\r\ntransfer-encoding: chunked") != std::string::npos;
  pending_.erase(0, end + 4);
  if (status_ != 200) return Fail("status " + std::to_string(status_));
  state_ = chunked_ ? State::kChunkSize : State::kChunkData;
  chunk_left_ = chunked_ ? 0 : UINT64_MAX;  // HTTP/1.0-style stream: read until close
  return true;
}

bool SseParser::Feed(std::string_view bytes) {
  if (state_ == State::kFailed) return false;
  pending_.append(bytes);
  std::size_t at = 0;
  while (true) {
    switch (state_) {
      case State::kHead:
        pending_.erase(0, at);
        at = 0;
        if (!ParseHead()) return false;
        if (state_ == State::kHead) return true;
        break;
      case State::kChunkSize: {
        std::size_t line_end = pending_.find("\r\n", at);
        if (line_end == std::string::npos) {
          pending_.erase(0, at);
          return true;
        }
        std::uint64_t size = 0;
        auto [ptr, error] =
            std::from_chars(pending_.data() + at, pending_.data() + line_end, size, 16);
        if (error != std::errc() || ptr == pending_.data() + at) return Fail("bad chunk size");
        at = line_end + 2;
        if (size == 0) {
          state_ = State::kEnded;
          pending_.clear();
          return true;
        }
        chunk_left_ = size;
        state_ = State::kChunkData;
        break;
      }
      case State::kChunkData: {
        std::size_t available = pending_.size() - at;
        if (available == 0) {
          pending_.clear();
          return true;
        }
        std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, available));
        Decoded(std::string_view(pending_).substr(at, take));
        at += take;
        if (chunked_) chunk_left_ -= take;
        if (chunked_ && chunk_left_ == 0) state_ = State::kChunkEnd;
        break;
      }
      case State::kChunkEnd:
        if (pending_.size() - at < 2) {
          pending_.erase(0, at);
          return true;
        }
        if (pending_.compare(at, 2, "\r\n") != 0) return Fail("chunk without CRLF");
        at += 2;
        state_ = State::kChunkSize;
        break;
      case State::kEnded:
      case State::kFailed:
        pending_.clear();
        return state_ == State::kEnded;
    }
  }
}

void SseParser::Decoded(std::string_view text) {
  text_.append(text);
  std::size_t start = 0;
  while (true) {
    std::size_t end = text_.find('\n', start);
    if (end == std::string::npos) break;
    std::string_view line(text_.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line(line);
    start = end + 1;
  }
  text_.erase(0, start);
}

void SseParser::Line(std::string_view line) {
  if (line.empty()) {
    if (has_data_) on_event_(event_.empty() ? "message" : event_, data_, id_);
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    id_.assign(value);  // persists across events, as in EventSource
  }
}

}  // namespace sr::bench
