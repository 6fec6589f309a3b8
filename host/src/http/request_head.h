#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::host {

struct HeaderField {
  std::string name;
  std::string value;
};

// The request line and headers of one HTTP/1.x request.
struct RequestHead {
  std::string method;
  std::string target;  // as sent
  std::string query;   // after '?', raw
  int minor_version = 1;
  std::vector<HeaderField> headers;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;
  bool expect_continue = false;

  // First header with this name (case-insensitive).
  const std::string* Find(std::string_view name) const;

  // Takes the request target (origin or absolute form): splits off the query and decodes the
  // path. Returns why the target is refused (answered 400), or nullopt.
  std::optional<std::string_view> SetTarget(std::string_view sent);
  // The target's path, still percent-encoded.
  std::string_view raw_path() const {
    if (bare_authority_) return "/";
    return std::string_view(target).substr(raw_path_start_, raw_path_size_);
  }
  // The path, percent-decoded. Both are views into `target` unless the path holds an escape,
  // so the usual request copies its path nowhere (a long path would cost an allocation each).
  std::string_view path() const { return escaped_ ? std::string_view(decoded_path_) : raw_path(); }

 private:
  std::size_t raw_path_start_ = 0;
  std::size_t raw_path_size_ = 0;
  bool bare_authority_ = false;  // "http://host" with no path names the root
  bool escaped_ = false;
  std::string decoded_path_;  // only when escaped_
};

enum class ParseStatus { kIncomplete, kComplete, kError };

struct HeadParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;   // bytes of the head, including the blank line
  int error_status = 0;  // 400, 414, 431, 501, 505
  std::string error;     // for the client and the error log
};

struct HeadLimits {
  size_t max_head_bytes = 16 * 1024;
  size_t max_headers = 100;
};

// Parses a request head at the start of `input`. Incomplete until the blank line arrives;
// an error once the head is malformed or longer than the limit.
HeadParseResult ParseRequestHead(std::string_view input, const HeadLimits& limits,
                                 RequestHead& out);

// Decodes a chunked request body incrementally.
class ChunkedDecoder {
 public:
  enum class Result { kNeedMore, kDone, kError };

  // Consumes what it can of `input` (sets `consumed`), appending data to `body`. Fails with
  // 413 when the body would exceed `max_body`, 400 when the framing is broken.
  Result Feed(std::string_view input, size_t& consumed, std::string& body, std::uint64_t max_body);
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer };
  Result Fail(int status, std::string message);

  State state_ = State::kSizeLine;
  std::uint64_t remaining_ = 0;
  int error_status_ = 0;
  std::string error_;
};

}  // namespace sr::host
