#include "http/host_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <atomic>

#include "http/connection.h"
#include "http/exchange.h"
#include "http/mailbox.h"
#include "http/server_core.h"
#include "runtime/host_stats.h"

namespace sr::host {

namespace {

using Pistache::Polling::NotifyOn;

constexpr auto kTickInterval = std::chrono::milliseconds(250);
std::atomic<std::uint64_t> next_connection_id{1};
thread_local HostTransport* current_transport = nullptr;

std::string PeerIp(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "unknown";
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
  } else if (address.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    // Show IPv4-mapped addresses as plain IPv4.
    std::string_view view(text);
    if (view.substr(0, 7) == "::ffff:" && view.find('.') != std::string_view::npos) {
      return std::string(view.substr(7));
    }
  } else {
    return "local";
  }
  return text;
}

}  // namespace

HostTransport* CurrentTransport() { return current_transport; }

void PeerHandler::onInput(const char*, size_t, const std::shared_ptr<Pistache::Tcp::Peer>&) {
  // Never called: HostTransport reads its sockets itself.
}

void PeerHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  static_cast<HostTransport*>(transport())->Adopt(peer);
}

HostTransport::HostTransport(const std::shared_ptr<Pistache::Tcp::Handler>& handler,
                             ServerCore& core)
    : Pistache::Tcp::Transport(handler), handler_prototype_(handler), core_(core) {}

HostTransport::~HostTransport() {
  if (mailbox_) mailbox_->Close();
  // The reactor is gone: close what is left directly.
  for (auto& [fd, connection] : connections_) {
    connection->Abort();
    ::close(fd);
  }
}

std::shared_ptr<Pistache::Aio::Handler> HostTransport::clone() const {
  return std::make_shared<HostTransport>(handler_prototype_->clone(), core_);
}

void HostTransport::registerPoller(Pistache::Polling::Epoll& poller) {
  Pistache::Tcp::Transport::registerPoller(poller);
  mailbox_ = std::make_shared<Mailbox>();
  idle_list_ = std::make_shared<IdleList>(mailbox_);
  core_.idle_connections().Register(idle_list_);
  poller.addFd(mailbox_->fd(), Pistache::Flags<NotifyOn>(NotifyOn::Read),
               Pistache::Polling::Tag(static_cast<std::uint64_t>(mailbox_->fd())));
  tick_fd_.Reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  itimerspec spec{};
  spec.it_interval.tv_nsec =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kTickInterval).count();
  spec.it_value = spec.it_interval;
  ::timerfd_settime(tick_fd_.get(), 0, &spec, nullptr);
  poller.addFd(tick_fd_.get(), Pistache::Flags<NotifyOn>(NotifyOn::Read),
               Pistache::Polling::Tag(static_cast<std::uint64_t>(tick_fd_.get())));
  core_.RegisterMailbox(mailbox_);
}

void HostTransport::onReady(const Pistache::Aio::FdSet& fds) {
  current_transport = this;
  std::vector<Pistache::Polling::Event> for_pistache;
  for (const auto& entry : fds) {
    auto tag = static_cast<int>(entry.getTag().value());
    try {
      if (tag == tick_fd_.get()) {
        std::uint64_t expirations = 0;
        [[maybe_unused]] ssize_t ignored = ::read(tag, &expirations, sizeof(expirations));
        OnTick();
      } else if (tag == mailbox_->fd()) {
        RunMailbox();
      } else if (auto it = connections_.find(tag); it != connections_.end()) {
        Connection& connection = *it->second;
        if (entry.isWritable()) connection.OnWritable();
        if (entry.isReadable() || entry.isHangup()) connection.OnReadable();
      } else {
        Pistache::Polling::Event event(entry.getTag());
        event.flags = Pistache::Flags<NotifyOn>(NotifyOn::Read);
        for_pistache.push_back(event);
      }
    } catch (const std::exception& e) {
      // Nothing may escape into the reactor thread: it would end the thread.
      spdlog::error("I/O thread: {}", e.what());
    }
  }
  if (!for_pistache.empty()) {
    try {
      Pistache::Tcp::Transport::onReady(Pistache::Aio::FdSet(std::move(for_pistache)));
    } catch (const std::exception& e) {
      spdlog::error("I/O thread (accept queue): {}", e.what());
    }
  }
  RemoveClosed();
  current_transport = nullptr;
}

void HostTransport::Adopt(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  int fd = peer->fd();
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::uint64_t id = next_connection_id.fetch_add(1, std::memory_order_relaxed);
  std::string address = PeerIp(fd);
  auto connection = std::make_unique<Connection>(*this, core_, peer, id, address);
  Connection* raw = connection.get();
  connections_[fd] = std::move(connection);
  by_id_[id] = raw;
  Admit(*raw, address);
}

void HostTransport::Admit(Connection& connection, const std::string& address) {
  // A refused connection is closed once Pistache has finished registering it.
  if (core_.draining()) {
    connection.Abort();
    return;
  }
  // A trusted proxy carries many clients on its connections: only the global cap applies.
  if (!core_.config().trusted_proxies.Contains(std::string_view(address))) {
    if (!core_.addresses().TryAcquire(address)) {
      spdlog::debug("refused a connection from {}: {} already open from that address", address,
                    core_.config().max_connections_per_address);
      connection.Abort();
      return;
    }
    connection.set_counted_address(address);
  }
  auto room = core_.idle_connections().MakeRoom(core_.stats(), core_.config().max_connections);
  if (room.decision == IdleConnections::Decision::kAdmit) return;
  if (room.decision == IdleConnections::Decision::kRefuse) {
    connection.Abort();
    return;
  }
  // The connection idle for longest, on any I/O thread, makes room for the new one.
  auto owner = room.victim.list->mailbox().lock();
  std::uint64_t victim = room.victim.connection_id;
  if (owner == mailbox_) {
    EvictIdle(victim);
  } else if (!owner ||
             !owner->Post([victim](HostTransport& transport) { transport.EvictIdle(victim); })) {
    core_.idle_connections().EvictionDone();
    connection.Abort();
  }
}

void HostTransport::EvictIdle(std::uint64_t connection_id) {
  if (Connection* connection = FindConnection(connection_id)) connection->EvictIfIdle();
  // After the close, which already took the connection off the count.
  core_.idle_connections().EvictionDone();
}

void HostTransport::WatchWrites(int fd) {
  reactor()->modifyFd(key(), fd, NotifyOn::Read | NotifyOn::Write | NotifyOn::Shutdown,
                      Pistache::Polling::Mode::Edge);
}

void HostTransport::ScheduleRemoval(int fd) { to_remove_.push_back(fd); }

void HostTransport::RemoveClosed() {
  while (!to_remove_.empty()) {
    std::vector<int> batch;
    batch.swap(to_remove_);
    for (int fd : batch) {
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;
      std::shared_ptr<Pistache::Tcp::Peer> peer = it->second->peer();
      by_id_.erase(it->second->id());
      connections_.erase(it);
      try {
        removePeer(peer);  // closes the socket
      } catch (const std::exception& e) {
        spdlog::warn("removing peer: {}", e.what());
        ::close(fd);
      }
    }
  }
}

Connection* HostTransport::FindConnection(std::uint64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void HostTransport::RunMailbox() {
  for (auto& task : mailbox_->Take()) {
    try {
      task(*this);
    } catch (const std::exception& e) {
      spdlog::error("I/O thread task: {}", e.what());
    }
  }
}

void HostTransport::OnTick() {
  auto now = SteadyClock::now();
  for (auto& [fd, connection] : connections_) connection->OnTick(now);
}

void HostTransport::CompleteExchange(const std::shared_ptr<Exchange>& exchange) {
  if (Connection* connection = FindConnection(exchange->connection_id)) {
    connection->OnExchangeCompleted(exchange);
  }
}

void HostTransport::DeliverStreamFrame(std::uint64_t connection_id,
                                       const std::shared_ptr<const SseFrame>& frame,
                                       std::uint64_t max_queued_bytes) {
  if (Connection* connection = FindConnection(connection_id)) {
    connection->DeliverStreamFrame(frame, max_queued_bytes);
  }
}

void HostTransport::BeginDrain() {
  for (auto& [fd, connection] : connections_) connection->BeginDrain();
}

void HostTransport::EndStreams() {
  for (auto& [fd, connection] : connections_) connection->EndStream();
}

void HostTransport::EndStream(std::uint64_t connection_id) {
  if (Connection* connection = FindConnection(connection_id)) connection->EndStream();
}

}  // namespace sr::host
