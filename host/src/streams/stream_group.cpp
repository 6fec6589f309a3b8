#include "streams/stream_group.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "http/host_transport.h"
#include "http/mailbox.h"

namespace sr::host {

StreamGroupOptions StreamGroupOptions::From(const sr_stream_group_options* options) {
  StreamGroupOptions out;
  if (options == nullptr) return out;
  sr_stream_group_options copy{};
  std::memcpy(&copy, options,
              std::min<size_t>(options->struct_size, sizeof(sr_stream_group_options)));
  if (copy.replay_events != 0) out.replay_events = copy.replay_events;
  if (copy.replay_bytes != 0) out.replay_bytes = copy.replay_bytes;
  if (copy.max_queued_bytes != 0) out.max_queued_bytes = copy.max_queued_bytes;
  if (copy.keepalive_ms != 0) out.keepalive_ms = std::max<std::uint32_t>(copy.keepalive_ms, 100);
  if (copy.max_clients != 0) out.max_clients = copy.max_clients;
  if (copy.retry_ms != 0) out.retry_ms = copy.retry_ms;
  return out;
}

StreamGroup::StreamGroup(std::string owner, std::string name, StreamGroupOptions options,
                         std::uint64_t first_event_id)
    : owner_(std::move(owner)),
      name_(std::move(name)),
      options_(options),
      next_event_id_(first_event_id),
      first_event_id_(first_event_id) {}

bool StreamGroup::Join(const std::shared_ptr<StreamClient>& client, std::uint64_t last_event_id,
                       std::vector<std::shared_ptr<const SseFrame>>& replay) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (clients_.size() >= options_.max_clients) return false;
  clients_.push_back(client);
  // Ids before this process started belong to an earlier run: nothing to replay from them.
  if (last_event_id >= first_event_id_) {
    for (const auto& frame : replay_) {
      if (frame->id > last_event_id) replay.push_back(frame);
    }
  }
  return true;
}

void StreamGroup::Leave(const StreamClient* client) {
  std::lock_guard<std::mutex> lock(mutex_);
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [&](const auto& entry) { return entry.get() == client; }),
                 clients_.end());
}

size_t StreamGroup::clients() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return clients_.size();
}

std::uint64_t StreamGroup::Broadcast(std::string_view event, std::string_view data,
                                     std::uint32_t flags) {
  std::vector<std::shared_ptr<StreamClient>> targets;
  std::shared_ptr<const SseFrame> frame;
  std::uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = next_event_id_++;
    // Framed under the lock so that ids reach every client in increasing order.
    frame = MakeEventFrame(id, event, data);
    if ((flags & SR_EVENT_NO_REPLAY) == 0) {
      replay_.push_back(frame);
      replay_size_ += frame->bytes.size();
      while (!replay_.empty() &&
             (replay_.size() > options_.replay_events || replay_size_ > options_.replay_bytes)) {
        replay_size_ -= replay_.front()->bytes.size();
        replay_.pop_front();
      }
    }
    targets = clients_;
    Deliver(frame, targets);
  }
  return id;
}

void StreamGroup::SendComment(std::string_view text) {
  auto frame = MakeCommentFrame(text);
  std::lock_guard<std::mutex> lock(mutex_);
  Deliver(frame, clients_);
}

bool StreamGroup::SendTo(const std::shared_ptr<StreamClient>& client, std::string_view event,
                         std::string_view data) {
  if (client->closed.load(std::memory_order_acquire)) return false;
  auto mailbox = client->mailbox.lock();
  if (!mailbox) return false;
  auto frame = MakeEventFrame(0, event, data);
  std::uint64_t id = client->connection_id;
  std::uint64_t max_queued = options_.max_queued_bytes;
  // On the client's own I/O thread (a handler greeting the client it just opened), queue at
  // once: anything broadcast meanwhile was posted and comes after the greeting.
  if (HostTransport* transport = CurrentTransport();
      transport != nullptr && transport->mailbox() == mailbox) {
    transport->DeliverStreamFrame(id, frame, max_queued);
    return true;
  }
  return mailbox->Post([frame, id, max_queued](HostTransport& transport) {
    transport.DeliverStreamFrame(id, frame, max_queued);
  });
}

bool StreamGroup::Close(const std::shared_ptr<StreamClient>& client) {
  // Marked closed first, so that broadcasts and sends racing with the close skip it.
  if (client->closed.exchange(true, std::memory_order_acq_rel)) return false;
  auto mailbox = client->mailbox.lock();
  if (!mailbox) return false;
  std::uint64_t id = client->connection_id;
  // Always posted, also from the client's own I/O thread: the connection may be in the
  // middle of a handler, and the post runs after frames queued before it.
  return mailbox->Post([id](HostTransport& transport) { transport.EndStream(id); });
}

void StreamGroup::Deliver(const std::shared_ptr<const SseFrame>& frame,
                          const std::vector<std::shared_ptr<StreamClient>>& targets) {
  // One post per I/O thread, not per client. Called under mutex_ so that the order of posts
  // matches the order of event ids.
  std::map<Mailbox*, std::pair<std::shared_ptr<Mailbox>, std::vector<std::uint64_t>>> batches;
  for (const auto& client : targets) {
    if (client->closed.load(std::memory_order_acquire)) continue;
    auto mailbox = client->mailbox.lock();
    if (!mailbox) continue;
    auto& batch = batches[mailbox.get()];
    if (!batch.first) batch.first = mailbox;
    batch.second.push_back(client->connection_id);
  }
  std::uint64_t max_queued = options_.max_queued_bytes;
  for (auto& [key, batch] : batches) {
    batch.first->Post([frame, ids = std::move(batch.second), max_queued](HostTransport& t) {
      for (std::uint64_t id : ids) t.DeliverStreamFrame(id, frame, max_queued);
    });
  }
}

}  // namespace sr::host
