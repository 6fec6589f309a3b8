#include "http/connection.h"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>

#include "http/client_address.h"
#include "http/connection_limits.h"
#include "http/exchange.h"
#include "http/exchange_flow.h"
#include "http/host_transport.h"
#include "http/mailbox.h"
#include "http/server_core.h"
#include "http/status_text.h"
#include "http/stream_writer.h"
#include "runtime/host_stats.h"
#include "runtime/task_scheduler.h"
#include "streams/sse_frame.h"
#include "streams/stream_group.h"
#include "util/strings.h"

namespace sr::host {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Pipelined input beyond this waits in the kernel until earlier requests are answered.
constexpr size_t kMaxBufferedInput = 256 * 1024;
// Responses queued in memory beyond this pause the processing of pipelined requests.
constexpr size_t kMaxQueuedResponses = 4 << 20;
// After the last response of a closing connection, how long to wait for the client's FIN
// before closing, so that unread request bytes do not turn the close into a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);

}  // namespace

Connection::Connection(HostTransport& transport, ServerCore& core,
                       std::shared_ptr<Pistache::Tcp::Peer> peer, std::uint64_t id,
                       std::string client_ip)
    : transport_(transport),
      core_(core),
      peer_(std::move(peer)),
      fd_(peer_->fd()),
      id_(id),
      client_ip_(std::move(client_ip)) {
  if (core_.tls() != nullptr) {
    channel_ = core_.tls()->Wrap(fd_);
    handshaking_ = channel_ != nullptr;
  }
  if (channel_ == nullptr) channel_ = MakePlainChannel(fd_);
  auto now = SteadyClock::now();
  connected_at_ = now;
  last_activity_ = now;
  last_write_progress_ = now;
  core_.stats().ConnectionOpened();
}

Connection::~Connection() {
  if (!closed_) Close();
}

bool Connection::AdvanceHandshake() {
  if (!handshaking_) return true;
  switch (channel_->Handshake()) {
    case SocketChannel::Status::kOk:
      handshaking_ = false;
      return true;
    case SocketChannel::Status::kWantRead:
      return false;
    case SocketChannel::Status::kWantWrite:
      if (!watching_writes_) {
        watching_writes_ = true;
        transport_.WatchWrites(fd_);
      }
      return false;
    case SocketChannel::Status::kClosed:
    case SocketChannel::Status::kError:
      Close();  // not TLS, or a failed handshake: nothing useful can be said in plain text
      return false;
  }
  return false;
}

void Connection::OnReadable() {
  HandleReadable();
  UpdateIdle();
}

bool Connection::IsIdleKeepAlive() const {
  return !closed_ && state_ == State::kReadingHead && requests_served_ > 0 && reader_.empty() &&
         output_.empty() && current_ == nullptr;
}

void Connection::UpdateIdle() {
  bool idle = IsIdleKeepAlive();
  if (idle == idle_listed_) return;
  IdleList& list = transport_.idle_list();
  if (idle) {
    idle_since_ = SteadyClock::now();
    list.Add(id_, idle_since_);
  } else {
    list.Remove(id_, idle_since_);
  }
  idle_listed_ = idle;
}

void Connection::EvictIfIdle() {
  if (!IsIdleKeepAlive()) return;
  spdlog::debug("closing the idle keep-alive connection of {} to admit a new one", client_ip_);
  Close();
}

void Connection::HandleReadable() {
  if (closed_) return;
  if (!AdvanceHandshake()) return;
  ReadAvailable();
  if (closed_) return;
  ProcessInput();
  if (closed_) return;
  if (!output_.empty()) Flush();
  if (closed_) return;
  if (peer_closed_) {
    if (state_ == State::kClosing && write_shut_) {
      Close();
    } else if (state_ == State::kAwaitingResponse || !output_.empty()) {
      // A client that half-closed after its request still gets the answer.
      close_after_write_ = true;
    } else {
      Close();
    }
  }
}

void Connection::ReadAvailable() {
  char buffer[kReadChunk];
  while (!closed_ && !peer_closed_) {
    if (read_paused_) return;
    SocketChannel::Result result = channel_->Read(buffer, sizeof(buffer));
    switch (result.status) {
      case SocketChannel::Status::kOk:
        break;
      case SocketChannel::Status::kWantRead:
        return;
      case SocketChannel::Status::kWantWrite:
        if (!watching_writes_) {
          watching_writes_ = true;
          transport_.WatchWrites(fd_);
        }
        return;
      case SocketChannel::Status::kClosed:
        peer_closed_ = true;
        return;
      case SocketChannel::Status::kError:
        Close();
        return;
    }
    core_.stats().AddReceived(result.bytes);
    last_activity_ = SteadyClock::now();
    if (state_ == State::kStreaming || state_ == State::kClosing) continue;  // discarded
    if (state_ == State::kReadingHead && reader_.empty() && !head_timer_running_) {
      head_started_ = last_activity_;
      head_timer_running_ = true;
    }
    reader_.Append(buffer, result.bytes);
    if (reader_.buffered() > kMaxBufferedInput && state_ != State::kReadingBody) {
      read_paused_ = true;
    }
  }
}

void Connection::OnWritable() {
  if (closed_) return;
  if (handshaking_) {
    if (AdvanceHandshake()) OnReadable();
    return;
  }
  Flush();
  UpdateIdle();
}

void Connection::ProcessInput() {
  while (!closed_) {
    if (state_ == State::kReadingHead) {
      if (reader_.empty()) {
        reader_.Compact();
        head_timer_running_ = false;
        break;
      }
      if (output_.memory_bytes() > kMaxQueuedResponses) break;
      if (!head_timer_running_) {
        head_started_ = SteadyClock::now();
        head_timer_running_ = true;
      }
      RequestHead head;
      HeadLimits limits;
      limits.max_head_bytes = core_.config().max_header_bytes;
      HeadParseResult result = ParseRequestHead(reader_.unread(), limits, head);
      if (result.status == ParseStatus::kIncomplete) break;
      if (result.status == ParseStatus::kError) {
        RespondEarlyError(result.error_status, result.error);
        return;
      }
      reader_.Consume(result.consumed);
      head_timer_running_ = false;
      StartExchange(std::move(head));
    } else if (state_ == State::kReadingBody) {
      if (!ContinueBody()) break;
    } else {
      break;
    }
  }
  if (read_paused_ && !closed_ && reader_.buffered() <= kMaxBufferedInput / 2) {
    // Edge-triggered readiness will not fire again for bytes already waiting: read them now.
    read_paused_ = false;
    ReadAvailable();
    if (!closed_ && state_ == State::kReadingHead && !reader_.empty()) {
      ProcessInput();
    }
  }
}

void Connection::BeginDrain() {
  if (closed_) return;
  if (state_ == State::kReadingHead && reader_.empty() && output_.empty()) {
    Close();
  }
}

void Connection::Abort() { Close(); }

void Connection::CloseAfterWrite() {
  close_after_write_ = true;
  if (state_ != State::kStreaming) state_ = State::kClosing;
}

void Connection::Flush() {
  if (closed_ || write_shut_) return;
  std::uint64_t written = 0;
  auto result = output_.WriteTo(*channel_, written);
  if (written > 0) {
    core_.stats().AddSent(written);
    last_write_progress_ = SteadyClock::now();
  }
  switch (result) {
    case OutputQueue::WriteResult::kDone:
      if (close_after_write_) {
        if (peer_closed_) {
          Close();
          return;
        }
        // Half-close and wait briefly for the client's FIN (see kLingerTime).
        channel_->ShutdownWrite();
        write_shut_ = true;
        state_ = State::kClosing;
        closing_since_ = SteadyClock::now();
      }
      return;
    case OutputQueue::WriteResult::kBlocked:
      if (!watching_writes_) {
        watching_writes_ = true;
        transport_.WatchWrites(fd_);
      }
      return;
    case OutputQueue::WriteResult::kError:
      Close();
      return;
  }
}

void Connection::OnTick(SteadyClock::time_point now) {
  if (closed_) return;
  const ServerConfig& config = core_.config();
  auto elapsed_ms = [&](SteadyClock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - since).count();
  };
  if (!output_.empty() && elapsed_ms(last_write_progress_) > config.write_timeout_ms) {
    Close();  // the client stopped reading
    return;
  }
  switch (state_) {
    case State::kReadingHead:
      if (head_timer_running_ && !reader_.empty()) {
        if (elapsed_ms(head_started_) > config.header_timeout_ms) {
          RespondEarlyError(408, "request headers were not received in time");
        }
      } else if (output_.empty()) {
        std::int64_t limit =
            requests_served_ == 0 ? config.header_timeout_ms : config.idle_timeout_ms;
        if (elapsed_ms(last_activity_) > limit) Close();
      }
      return;
    case State::kReadingBody:
      CheckBodyProgress(now);
      return;
    case State::kClosing:
      if (write_shut_ && now - closing_since_ > kLingerTime) Close();
      return;
    case State::kAwaitingResponse:
    case State::kStreaming:
      return;
  }
}

void Connection::CheckBodyProgress(SteadyClock::time_point now) {
  const ServerConfig& config = core_.config();
  auto since = [&](SteadyClock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count();
  };
  if (config.body_timeout_ms > 0 && since(body_started_) > config.body_timeout_ms) {
    state_ = State::kAwaitingResponse;
    FinishWithError(408, "the request body was not received in time");
    return;
  }
  if (since(body_window_started_) < config.body_rate_window_ms) return;
  // One window is over: it must have brought at least the minimum rate's worth. A large
  // upload on a slow link keeps going; a client that stalls is cut after one window.
  std::uint64_t received = current_->body.size() - body_window_bytes_;
  std::uint64_t needed =
      config.body_min_rate * static_cast<std::uint64_t>(since(body_window_started_)) / 1000;
  if (received < needed) {
    state_ = State::kAwaitingResponse;
    FinishWithError(408, "the request body arrived slower than " +
                             std::to_string(config.body_min_rate) + " bytes/s (" +
                             std::to_string(received) + " bytes in the last " +
                             std::to_string(since(body_window_started_)) + " ms)");
    return;
  }
  body_window_started_ = now;
  body_window_bytes_ = current_->body.size();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  if (stream_.Detach()) core_.stats().StreamClosed();
  if (in_flight_) {
    in_flight_ = false;
    core_.stats().RequestFinished();
  }
  current_.reset();
  if (idle_listed_) {
    transport_.idle_list().Remove(id_, idle_since_);
    idle_listed_ = false;
  }
  if (address_counted_) {
    core_.addresses().Release(counted_address_);
    address_counted_ = false;
  }
  core_.stats().ConnectionClosed();
  transport_.ScheduleRemoval(fd_);
}

}  // namespace sr::host
