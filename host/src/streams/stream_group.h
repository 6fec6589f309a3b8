#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <sr/abi.h>

#include "streams/sse_frame.h"

namespace sr::host {

class Mailbox;
class StreamGroup;

// One connected event-stream client. Shared by its group, its connection and any handle the
// plugin keeps; only the connection's I/O thread writes to the socket.
struct StreamClient {
  std::weak_ptr<Mailbox> mailbox;
  std::uint64_t connection_id = 0;
  std::atomic<bool> closed{false};
};

struct StreamGroupOptions {
  std::uint32_t replay_events = 256;
  std::uint64_t replay_bytes = 4 << 20;
  std::uint64_t max_queued_bytes = 8 << 20;
  std::uint32_t keepalive_ms = 15000;
  std::uint32_t max_clients = 10000;
  std::uint32_t retry_ms = 3000;

  static StreamGroupOptions From(const sr_stream_group_options* options);
};

// A set of clients fed by one broadcast: each event is framed once and the same bytes are
// queued on every connection. Keeps recent events for Last-Event-ID replay.
class StreamGroup : public std::enable_shared_from_this<StreamGroup> {
 public:
  StreamGroup(std::string owner, std::string name, StreamGroupOptions options,
              std::uint64_t first_event_id);

  const std::string& owner() const { return owner_; }
  const std::string& name() const { return name_; }
  const StreamGroupOptions& options() const { return options_; }

  // Registers a client; returns the frames it missed after `last_event_id` (0: none wanted).
  // False when the group is full.
  bool Join(const std::shared_ptr<StreamClient>& client, std::uint64_t last_event_id,
            std::vector<std::shared_ptr<const SseFrame>>& replay);
  void Leave(const StreamClient* client);

  // Frames and queues an event to every client; returns its id.
  std::uint64_t Broadcast(std::string_view event, std::string_view data, std::uint32_t flags);
  // Queues a keep-alive comment to every client.
  void SendComment(std::string_view text);
  // Queues an event without id to one client. False once the client is gone.
  bool SendTo(const std::shared_ptr<StreamClient>& client, std::string_view event,
              std::string_view data);
  // Ends one client's stream: its connection finishes the response and closes. Nothing sent
  // afterwards reaches it. False if it was already gone or closed.
  static bool Close(const std::shared_ptr<StreamClient>& client);
  size_t clients() const;

 private:
  void Deliver(const std::shared_ptr<const SseFrame>& frame,
               const std::vector<std::shared_ptr<StreamClient>>& targets);

  std::string owner_;
  std::string name_;
  StreamGroupOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<StreamClient>> clients_;
  std::deque<std::shared_ptr<const SseFrame>> replay_;
  std::uint64_t replay_size_ = 0;
  std::uint64_t next_event_id_;
  std::uint64_t first_event_id_;
};

}  // namespace sr::host

// The opaque handles of abi.h.
struct sr_stream_group {
  std::shared_ptr<sr::host::StreamGroup> group;
};
struct sr_stream {
  std::shared_ptr<sr::host::StreamGroup> group;
  std::shared_ptr<sr::host::StreamClient> client;
};
