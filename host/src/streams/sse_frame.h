#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sr::host {

// One server-sent event, framed once as an HTTP/1.1 chunk and shared by every client.
struct SseFrame {
  std::string bytes;       // "<hex size>\r\n<event text>\r\n"
  size_t header_size = 0;  // length of "<hex size>\r\n"
  std::uint64_t id = 0;    // 0: no id (comments, per-client events)

  std::string_view chunked() const { return bytes; }
  // The event text alone, for HTTP/1.0 clients that get no chunked framing.
  std::string_view raw() const {
    return std::string_view(bytes).substr(header_size, bytes.size() - header_size - 2);
  }
};

// "id: 7\nevent: stats\ndata: {...}\n\n" framed as a chunk. Line breaks in `data` become
// separate data lines (CR and CRLF too), so a payload can never end the event early or
// inject fields. `event` is cut at the first line break for the same reason.
std::shared_ptr<const SseFrame> MakeEventFrame(std::uint64_t id, std::string_view event,
                                               std::string_view data);
// A comment line (": text\n\n"), ignored by clients: keeps idle connections open.
std::shared_ptr<const SseFrame> MakeCommentFrame(std::string_view text);
// "retry: N\n\n"
std::shared_ptr<const SseFrame> MakeRetryFrame(std::uint32_t retry_ms);

// Parses a Last-Event-ID header value; 0 when absent or malformed.
std::uint64_t ParseLastEventId(std::string_view value);

}  // namespace sr::host
