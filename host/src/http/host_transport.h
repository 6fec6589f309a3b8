#pragma once

#include <pistache/tcp.h>
#include <pistache/transport.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "http/connection_limits.h"
#include "util/unique_fd.h"

namespace sr::host {

class Connection;
class Exchange;
class Mailbox;
class ServerCore;
struct SseFrame;

// One I/O thread's share of the server, plugged into Pistache's reactor. Pistache accepts
// connections and hands them over; from then on this class reads, parses and writes the
// sockets itself, so that keep-alive, pipelining, limits, timeouts and shared writes behave
// as the host needs. Pistache's own queues (new peers) are still served by the base class.
class HostTransport final : public Pistache::Tcp::Transport {
 public:
  HostTransport(const std::shared_ptr<Pistache::Tcp::Handler>& handler, ServerCore& core);
  ~HostTransport() override;

  // ---- Pistache ----
  void registerPoller(Pistache::Polling::Epoll& poller) override;
  void onReady(const Pistache::Aio::FdSet& fds) override;
  std::shared_ptr<Pistache::Aio::Handler> clone() const override;

  // ---- called on this transport's I/O thread ----
  void Adopt(const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void WatchWrites(int fd);
  void ScheduleRemoval(int fd);
  void CompleteExchange(const std::shared_ptr<Exchange>& exchange);
  void DeliverStreamFrame(std::uint64_t connection_id, const std::shared_ptr<const SseFrame>& frame,
                          std::uint64_t max_queued_bytes);
  void BeginDrain();
  void EndStreams();
  // Ends the event stream of one connection (stream_close).
  void EndStream(std::uint64_t connection_id);
  // Closes a connection another thread claimed from this thread's idle list, if still idle.
  void EvictIdle(std::uint64_t connection_id);
  // The connection whose handler is running on this thread (for stream_open).
  Connection* current_connection() const { return current_connection_; }
  void set_current_connection(Connection* connection) { current_connection_ = connection; }
  Connection* FindConnection(std::uint64_t id) const;

  const std::shared_ptr<Mailbox>& mailbox() const { return mailbox_; }
  IdleList& idle_list() { return *idle_list_; }

 private:
  void RunMailbox();
  void OnTick();
  void RemoveClosed();
  // Admits `connection` (just accepted from `address`) or closes it: per-address limit,
  // then the global one, where the longest-idle keep-alive connection makes room.
  void Admit(Connection& connection, const std::string& address);

  std::shared_ptr<Pistache::Tcp::Handler> handler_prototype_;
  ServerCore& core_;
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<IdleList> idle_list_;
  UniqueFd tick_fd_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::uint64_t, Connection*> by_id_;
  std::vector<int> to_remove_;
  Connection* current_connection_ = nullptr;
};

// Pistache's per-transport handler: only hands new peers to their HostTransport.
class PeerHandler final : public Pistache::Tcp::Handler {
 public:
  PROTOTYPE_OF(Pistache::Tcp::Handler, PeerHandler)
  void onInput(const char* buffer, size_t length,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
};

// The I/O thread currently running, if any (null on other threads).
HostTransport* CurrentTransport();

}  // namespace sr::host
