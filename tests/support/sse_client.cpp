#include "sse_client.h"

namespace sr::test {

SseClient::SseClient(std::uint16_t port) : client_(port) {}

HttpResponse SseClient::Open(const std::string& target, const std::string& last_event_id,
                             const HttpClient::Headers& headers) {
  std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  client_.Connect();
  client_.SendRaw(request);
  // The head ends at the first blank line; what follows is the stream.
  std::string head;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (head.find("\r\n\r\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    head += client_.ReadSome(std::chrono::milliseconds(20));
  }
  size_t end = head.find("\r\n\r\n");
  HttpResponse response;
  if (end == std::string::npos) return response;
  raw_ = head.substr(end + 4);
  std::string lines = head.substr(0, end);
  size_t line_end = lines.find("\r\n");
  std::string status_line = lines.substr(0, line_end);
  if (status_line.size() >= 12) response.status = std::stoi(status_line.substr(9, 3));
  size_t at = line_end;
  while (at != std::string::npos && at < lines.size()) {
    size_t next = lines.find("\r\n", at + 2);
    std::string line =
        lines.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers.emplace_back(line.substr(0, colon), value);
    }
    at = next;
  }
  return response;
}

void SseClient::Parse(std::vector<SseEvent>& out) {
  // De-chunk.
  while (true) {
    size_t line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) break;
    size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    if (size == 0) {
      ended_ = true;
      raw_.clear();
      break;
    }
    if (raw_.size() < line_end + 2 + size + 2) break;
    text_ += raw_.substr(line_end + 2, size);
    raw_.erase(0, line_end + 2 + size + 2);
  }
  // Split events at blank lines.
  size_t end;
  while ((end = text_.find("\n\n")) != std::string::npos) {
    std::string block = text_.substr(0, end);
    text_.erase(0, end + 2);
    SseEvent event;
    bool has_data = false;
    bool only_comments = true;
    size_t start = 0;
    while (start <= block.size()) {
      size_t stop = block.find('\n', start);
      std::string line =
          block.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
      if (!line.empty() && line[0] == ':') {
        ++comments_;
      } else if (line.rfind("id: ", 0) == 0) {
        event.id = line.substr(4);
        only_comments = false;
      } else if (line.rfind("event: ", 0) == 0) {
        event.event = line.substr(7);
        only_comments = false;
      } else if (line.rfind("data: ", 0) == 0) {
        if (has_data) event.data += '\n';
        event.data += line.substr(6);
        has_data = true;
        only_comments = false;
      } else if (line.rfind("retry: ", 0) == 0) {
        only_comments = true;
      }
      if (stop == std::string::npos) break;
      start = stop + 1;
    }
    if (!only_comments && has_data) out.push_back(std::move(event));
  }
}

std::vector<SseEvent> SseClient::Read(std::chrono::milliseconds wait, size_t at_least) {
  std::vector<SseEvent> events;
  auto deadline = std::chrono::steady_clock::now() + wait;
  Parse(events);
  while (!ended_ && events.size() < at_least && std::chrono::steady_clock::now() < deadline) {
    std::string more = client_.ReadSome(std::chrono::milliseconds(20));
    if (more.empty()) {
      if (!client_.connected()) break;
      continue;
    }
    raw_ += more;
    Parse(events);
  }
  return events;
}

}  // namespace sr::test
