#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "http_client.h"

namespace sr::test {

struct SseEvent {
  std::string id;
  std::string event;  // "" for a plain message
  std::string data;
};

// Reads a server-sent event stream: the response head, then chunked frames parsed into
// events. Comments (keep-alives) are counted, not returned.
class SseClient {
 public:
  explicit SseClient(std::uint16_t port);

  // Sends GET `target` (with Last-Event-ID when given) and reads the response head.
  HttpResponse Open(const std::string& target, const std::string& last_event_id = "",
                    const HttpClient::Headers& headers = {});
  // Events that arrived within `wait`, stopping early once `at_least` were collected.
  std::vector<SseEvent> Read(std::chrono::milliseconds wait, size_t at_least = SIZE_MAX);
  // True once the server ended the stream (terminating chunk or close).
  bool ended() const { return ended_; }
  size_t comments() const { return comments_; }
  HttpClient& client() { return client_; }

 private:
  void Parse(std::vector<SseEvent>& out);

  HttpClient client_;
  std::string raw_;   // undecoded chunked bytes
  std::string text_;  // decoded event text
  bool ended_ = false;
  size_t comments_ = 0;
};

}  // namespace sr::test
