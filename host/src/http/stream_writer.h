#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sr::host {

struct ResponseState;
class StreamGroup;
struct SseFrame;
struct StreamClient;

// The event stream a connection carries once a handler opened one: the head that starts it,
// each frame in the connection's framing (chunks on HTTP/1.1, raw bytes until the close on
// HTTP/1.0), the last chunk, and the group membership to give up when the connection closes.
// Writes nothing itself: the connection queues what this returns.
class StreamWriter {
 public:
  // The response head that opens the stream, with the headers guards and filters added.
  static std::string Head(const ResponseState& response, bool chunked,
                          std::string_view date_header);

  void Attach(std::shared_ptr<StreamGroup> group, std::shared_ptr<StreamClient> client,
              std::string client_ip, bool chunked);
  // Attached and not yet ended: frames may still follow.
  bool open() const { return client_ != nullptr && !ended_; }
  // One frame as it goes on the wire.
  std::string_view Bytes(const SseFrame& frame) const;
  // Ends the stream: the last chunk to queue (empty on HTTP/1.0, where the close ends it).
  // Frames posted before the close must not follow it, so open() is false afterwards.
  std::string_view End();
  // Leaves the group and tells it the client is gone; false if no stream was attached.
  bool Detach();
  // The client as the stream's request named it (for logs).
  const std::string& client_ip() const { return client_ip_; }

 private:
  std::shared_ptr<StreamGroup> group_;
  std::shared_ptr<StreamClient> client_;
  std::string client_ip_;
  bool chunked_ = true;
  bool ended_ = false;
};

}  // namespace sr::host
