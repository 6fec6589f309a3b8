#include "http/request_head.h"

#include <algorithm>

#include "util/strings.h"

namespace sr::host {

namespace {

constexpr size_t kMaxSizeLine = 1024;

HeadParseResult Error(int status, std::string message) {
  HeadParseResult result;
  result.status = ParseStatus::kError;
  result.error_status = status;
  result.error = std::move(message);
  return result;
}

bool HasControlBytes(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) return true;
  }
  return false;
}

}  // namespace

const std::string* RequestHead::Find(std::string_view name) const {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return &header.value;
  }
  return nullptr;
}

std::optional<std::string_view> RequestHead::SetTarget(std::string_view sent) {
  target = std::string(sent);
  query.clear();
  decoded_path_.clear();
  bare_authority_ = false;
  escaped_ = false;
  std::string_view rest = target;
  if (rest.substr(0, 7) == "http://" || rest.substr(0, 8) == "https://") {
    std::size_t path_start = rest.find('/', rest.find("//") + 2);
    if (path_start == std::string_view::npos) {
      bare_authority_ = true;
      return std::nullopt;
    }
    rest = rest.substr(path_start);
  }
  if (rest.empty() || rest.front() != '/') return "the request target must be an absolute path";
  rest = rest.substr(0, rest.find('#'));
  std::size_t question = rest.find('?');
  if (question != std::string_view::npos) query = std::string(rest.substr(question + 1));
  rest = rest.substr(0, question);
  raw_path_start_ = static_cast<std::size_t>(rest.data() - target.data());
  raw_path_size_ = rest.size();
  escaped_ = rest.find('%') != std::string_view::npos;
  if (escaped_) {
    std::optional<std::string> decoded = PercentDecode(rest, false);
    if (!decoded) return "malformed percent-encoding in the path";
    decoded_path_ = std::move(*decoded);
  }
  std::string_view decoded = path();
  if (decoded.find('\0') != std::string_view::npos) return "NUL byte in the path";
  bool no_dot_segments = ForEachPart(
      decoded, '/', [](std::string_view segment) { return segment != "." && segment != ".."; });
  if (!no_dot_segments) return "dot segments are not allowed";
  return std::nullopt;
}

HeadParseResult ParseRequestHead(std::string_view input, const HeadLimits& limits,
                                 RequestHead& out) {
  // RFC 9112 allows empty lines before the request line.
  size_t start = 0;
  while (start < input.size() && (input[start] == '\r' || input[start] == '\n')) ++start;
  size_t end = input.find("\r\n\r\n", start);
  size_t terminator = 4;
  size_t lf_end = input.find("\n\n", start);
  if (lf_end != std::string_view::npos && (end == std::string_view::npos || lf_end < end)) {
    end = lf_end;
    terminator = 2;
  }
  if (end == std::string_view::npos) {
    if (input.size() - start > limits.max_head_bytes) {
      return Error(431, "request headers are larger than " + std::to_string(limits.max_head_bytes) +
                            " bytes");
    }
    return HeadParseResult{};
  }
  if (end - start > limits.max_head_bytes) {
    return Error(
        431, "request headers are larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  }

  RequestHead head;
  // The lines are read in place, one at a time: a vector of them would cost allocations on
  // every request.
  std::string_view rest = input.substr(start, end - start);
  auto next_line = [&rest] {
    size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  const size_t header_lines = static_cast<size_t>(std::count(rest.begin(), rest.end(), '\n'));

  // Request line: METHOD SP target SP HTTP/1.x
  std::string_view request_line = next_line();
  size_t first_space = request_line.find(' ');
  size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return Error(400, "malformed request line");
  }
  std::string_view method = request_line.substr(0, first_space);
  std::string_view target = request_line.substr(first_space + 1, last_space - first_space - 1);
  std::string_view version = request_line.substr(last_space + 1);
  if (method.empty() || method.size() > 32) return Error(400, "malformed request method");
  for (char c : method) {
    if (!IsTokenChar(c)) return Error(400, "malformed request method");
  }
  if (target.empty() || target.find(' ') != std::string_view::npos || HasControlBytes(target)) {
    return Error(400, "malformed request target");
  }
  if (version == "HTTP/1.1") {
    head.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    head.minor_version = 0;
  } else if (version.substr(0, 5) == "HTTP/" && version.size() == 8 && version[6] == '.' &&
             version[5] >= '2' && version[5] <= '9') {
    return Error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
  } else {
    return Error(400, "malformed HTTP version");
  }
  head.method = std::string(method);
  if (auto refused = head.SetTarget(target)) return Error(400, std::string(*refused));

  // Header fields.
  if (header_lines > limits.max_headers) {
    return Error(431, "more than " + std::to_string(limits.max_headers) + " request headers");
  }
  head.headers.reserve(header_lines);
  for (size_t i = 0; i < header_lines; ++i) {
    std::string_view line = next_line();
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      return Error(400, "folded header lines are not allowed");
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Error(400, "malformed header line");
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return Error(400, "malformed header name");
    }
    std::string_view value = Trim(line.substr(colon + 1));
    if (HasControlBytes(value)) return Error(400, "control characters in a header value");
    head.headers.push_back(HeaderField{std::string(name), std::string(value)});
  }

  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header,
  // and to any request with more than one.
  std::size_t hosts = 0;
  for (const auto& header : head.headers) {
    if (EqualsIgnoreCase(header.name, "Host")) ++hosts;
  }
  if (hosts > 1) return Error(400, "more than one Host header");
  if (hosts == 0 && head.minor_version == 1) {
    return Error(400, "an HTTP/1.1 request needs a Host header");
  }

  // Framing: Content-Length and Transfer-Encoding.
  for (const auto& header : head.headers) {
    if (EqualsIgnoreCase(header.name, "Content-Length")) {
      auto length = ParseUint(header.value);
      if (!length) return Error(400, "malformed Content-Length");
      if (head.content_length && *head.content_length != *length) {
        return Error(400, "conflicting Content-Length headers");
      }
      head.content_length = length;
    } else if (EqualsIgnoreCase(header.name, "Transfer-Encoding")) {
      if (!EqualsIgnoreCase(Trim(header.value), "chunked") || head.chunked) {
        return Error(501, "only the chunked transfer coding is supported");
      }
      head.chunked = true;
    } else if (EqualsIgnoreCase(header.name, "Connection")) {
      ForEachPart(header.value, ',', [&head](std::string_view token) {
        token = Trim(token);
        if (EqualsIgnoreCase(token, "close")) head.keep_alive = false;
        if (EqualsIgnoreCase(token, "keep-alive")) head.keep_alive = true;
      });
    } else if (EqualsIgnoreCase(header.name, "Expect")) {
      if (!EqualsIgnoreCase(Trim(header.value), "100-continue")) {
        return Error(417, "unsupported expectation");
      }
      head.expect_continue = true;
    }
  }
  if (head.chunked && head.content_length) {
    return Error(400, "both Content-Length and Transfer-Encoding were sent");
  }
  if (head.minor_version == 0) {
    // HTTP/1.0 closes unless the client asked to keep the connection.
    const std::string* connection = head.Find("Connection");
    head.keep_alive = connection != nullptr && EqualsIgnoreCase(Trim(*connection), "keep-alive");
    if (head.chunked) return Error(400, "chunked bodies need HTTP/1.1");
  }

  out = std::move(head);
  HeadParseResult result;
  result.status = ParseStatus::kComplete;
  result.consumed = end + terminator;
  return result;
}

ChunkedDecoder::Result ChunkedDecoder::Fail(int status, std::string message) {
  error_status_ = status;
  error_ = std::move(message);
  return Result::kError;
}

ChunkedDecoder::Result ChunkedDecoder::Feed(std::string_view input, size_t& consumed,
                                            std::string& body, std::uint64_t max_body) {
  consumed = 0;
  while (consumed < input.size() || state_ == State::kData) {
    std::string_view rest = input.substr(consumed);
    switch (state_) {
      case State::kSizeLine: {
        size_t newline = rest.find('\n');
        if (newline == std::string_view::npos) {
          if (rest.size() > kMaxSizeLine) return Fail(400, "malformed chunk size line");
          return Result::kNeedMore;
        }
        std::string_view line = rest.substr(0, newline);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t extension = line.find(';');
        std::string_view digits = Trim(line.substr(0, extension));
        if (digits.empty() || digits.size() > 15) return Fail(400, "malformed chunk size");
        std::uint64_t size = 0;
        for (char c : digits) {
          int value = (c >= '0' && c <= '9')   ? c - '0'
                      : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                               : -1;
          if (value < 0) return Fail(400, "malformed chunk size");
          size = size * 16 + static_cast<std::uint64_t>(value);
        }
        consumed += newline + 1;
        if (size == 0) {
          state_ = State::kTrailer;
        } else {
          if (body.size() + size > max_body) {
            return Fail(413, "request body is larger than " + std::to_string(max_body) + " bytes");
          }
          remaining_ = size;
          state_ = State::kData;
        }
        break;
      }
      case State::kData: {
        if (rest.empty()) return Result::kNeedMore;
        size_t take = static_cast<size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
        body.append(rest.substr(0, take));
        consumed += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        if (rest.size() < 2 && !(rest.size() == 1 && rest[0] == '\n')) {
          if (rest.size() == 1 && rest[0] != '\r') return Fail(400, "malformed chunk end");
          return Result::kNeedMore;
        }
        if (rest[0] == '\n') {
          consumed += 1;
        } else if (rest[0] == '\r' && rest[1] == '\n') {
          consumed += 2;
        } else {
          return Fail(400, "malformed chunk end");
        }
        state_ = State::kSizeLine;
        break;
      }
      case State::kTrailer: {
        size_t newline = rest.find('\n');
        if (newline == std::string_view::npos) {
          if (rest.size() > kMaxSizeLine) return Fail(400, "trailer too large");
          return Result::kNeedMore;
        }
        std::string_view line = rest.substr(0, newline);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        consumed += newline + 1;
        if (line.empty()) return Result::kDone;  // trailer fields are ignored
        break;
      }
    }
  }
  return Result::kNeedMore;
}

}  // namespace sr::host
