#include "streams/sse_frame.h"

#include <cstdio>

#include "util/strings.h"

namespace sr::host {

namespace {

std::shared_ptr<const SseFrame> Frame(std::string text, std::uint64_t id) {
  auto frame = std::make_shared<SseFrame>();
  char header[32];
  int length = std::snprintf(header, sizeof(header), "%zx\r\n", text.size());
  frame->bytes.reserve(static_cast<size_t>(length) + text.size() + 2);
  frame->bytes.append(header, static_cast<size_t>(length));
  frame->header_size = static_cast<size_t>(length);
  frame->bytes += text;
  frame->bytes += "\r\n";
  frame->id = id;
  return frame;
}

std::string_view FirstLine(std::string_view text) {
  size_t end = text.find_first_of("\r\n");
  return end == std::string_view::npos ? text : text.substr(0, end);
}

}  // namespace

std::shared_ptr<const SseFrame> MakeEventFrame(std::uint64_t id, std::string_view event,
                                               std::string_view data) {
  std::string text;
  text.reserve(data.size() + event.size() + 48);
  if (id != 0) {
    text += "id: ";
    text += std::to_string(id);
    text += '\n';
  }
  event = FirstLine(event);
  if (!event.empty()) {
    text += "event: ";
    text += event;
    text += '\n';
  }
  size_t start = 0;
  while (true) {
    size_t end = data.find_first_of("\r\n", start);
    text += "data: ";
    text +=
        data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    text += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
  text += '\n';
  return Frame(std::move(text), id);
}

std::shared_ptr<const SseFrame> MakeCommentFrame(std::string_view text) {
  return Frame(": " + std::string(FirstLine(text)) + "\n\n", 0);
}

std::shared_ptr<const SseFrame> MakeRetryFrame(std::uint32_t retry_ms) {
  return Frame("retry: " + std::to_string(retry_ms) + "\n\n", 0);
}

std::uint64_t ParseLastEventId(std::string_view value) {
  auto parsed = ParseUint(Trim(value));
  return parsed ? *parsed : 0;
}

}  // namespace sr::host
