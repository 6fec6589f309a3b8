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

std::string DateHeader() {
  thread_local std::int64_t cached_second = 0;
  thread_local std::string cached;
  std::int64_t now = UnixMillis() / 1000;
  if (now != cached_second) {
    cached_second = now;
    cached = "Date: " + HttpDate(now) + "\r\n";
  }
  return cached;
}

bool StatusHasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

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
  return !closed_ && state_ == State::kReadingHead && requests_served_ > 0 &&
         input_offset_ >= input_.size() && output_.empty() && current_ == nullptr;
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
    if (state_ == State::kReadingHead && input_offset_ == input_.size() && !head_timer_running_) {
      head_started_ = last_activity_;
      head_timer_running_ = true;
    }
    input_.append(buffer, result.bytes);
    if (input_.size() - input_offset_ > kMaxBufferedInput && state_ != State::kReadingBody) {
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
      if (input_offset_ >= input_.size()) {
        CompactInput();
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
      HeadParseResult result =
          ParseRequestHead(std::string_view(input_).substr(input_offset_), limits, head);
      if (result.status == ParseStatus::kIncomplete) break;
      if (result.status == ParseStatus::kError) {
        RespondEarlyError(result.error_status, result.error);
        return;
      }
      input_offset_ += result.consumed;
      head_timer_running_ = false;
      StartExchange(std::move(head));
    } else if (state_ == State::kReadingBody) {
      if (!ContinueBody()) break;
    } else {
      break;
    }
  }
  if (read_paused_ && !closed_ && input_.size() - input_offset_ <= kMaxBufferedInput / 2) {
    // Edge-triggered readiness will not fire again for bytes already waiting: read them now.
    read_paused_ = false;
    ReadAvailable();
    if (!closed_ && state_ == State::kReadingHead && input_offset_ < input_.size()) {
      ProcessInput();
    }
  }
}

void Connection::CompactInput() {
  if (input_offset_ == 0) return;
  input_.erase(0, input_offset_);
  input_offset_ = 0;
  if (input_.empty() && input_.capacity() > kReadChunk) input_.shrink_to_fit();
}

void Connection::StartExchange(RequestHead head) {
  core_.stats().CountRequest();
  core_.stats().RequestStarted();
  in_flight_ = true;
  auto exchange = std::make_shared<Exchange>();
  exchange->head = std::move(head);
  exchange->client_ip = ResolveClientIp(client_ip_, exchange->head, core_.config().trusted_proxies);
  exchange->secure = channel_->secure();
  exchange->mailbox = transport_.mailbox();
  exchange->connection_id = id_;
  current_ = exchange;
  body_complete_ = !exchange->head.content_length.value_or(0) && !exchange->head.chunked;
  state_ = State::kAwaitingResponse;

  if (core_.draining()) {
    FinishWithError(503, "the server is shutting down");
    return;
  }
  exchange->table = core_.routes();
  RouteMatch match = exchange->table->Match(exchange->head.method, exchange->head.raw_path);
  if (match.route == nullptr) {
    if (match.status == 405) {
      exchange->response.headers.push_back(HeaderField{"Allow", match.allow});
      FinishWithError(
          405, "method " + exchange->head.method + " is not allowed for " + exchange->head.path);
    } else {
      FinishWithError(404, "no route for " + exchange->head.method + " " + exchange->head.path);
    }
    return;
  }
  exchange->route = match.route.get();  // kept alive by exchange->table
  exchange->path_params = std::move(match.params);
  body_limit_ = match.route->max_body_bytes != 0 ? match.route->max_body_bytes
                                                 : core_.config().max_body_bytes;
  if (exchange->head.content_length && *exchange->head.content_length > body_limit_) {
    FinishWithError(413, "request body is larger than " + std::to_string(body_limit_) + " bytes");
    return;
  }
  exchange->PrepareRequestViews();
  if (!RunGuards(core_, *exchange)) {
    FinishExchange(exchange);
    return;
  }
  if (body_complete_) {
    Dispatch(exchange);
    return;
  }
  if (exchange->head.content_length) {
    exchange->body.reserve(static_cast<size_t>(*exchange->head.content_length));
  }
  chunked_ = ChunkedDecoder();
  state_ = State::kReadingBody;
  body_started_ = SteadyClock::now();
  if (exchange->head.expect_continue && exchange->head.minor_version == 1) {
    output_.Append("HTTP/1.1 100 Continue\r\n\r\n");
    Flush();
  }
}

bool Connection::ContinueBody() {
  auto exchange = current_;
  std::string_view available = std::string_view(input_).substr(input_offset_);
  if (exchange->head.chunked) {
    size_t consumed = 0;
    auto result = chunked_.Feed(available, consumed, exchange->body, body_limit_);
    input_offset_ += consumed;
    if (result == ChunkedDecoder::Result::kError) {
      state_ = State::kAwaitingResponse;
      FinishWithError(chunked_.error_status(), chunked_.error());
      return false;
    }
    if (result == ChunkedDecoder::Result::kNeedMore) {
      CompactInput();
      return false;
    }
  } else {
    std::uint64_t wanted = *exchange->head.content_length - exchange->body.size();
    size_t take = static_cast<size_t>(std::min<std::uint64_t>(wanted, available.size()));
    exchange->body.append(available.substr(0, take));
    input_offset_ += take;
    if (exchange->body.size() < *exchange->head.content_length) {
      CompactInput();
      return false;
    }
  }
  body_complete_ = true;
  state_ = State::kAwaitingResponse;
  Dispatch(exchange);
  return true;
}

void Connection::Dispatch(const std::shared_ptr<Exchange>& exchange) {
  state_ = State::kAwaitingResponse;
  exchange->phase.store(Exchange::Phase::kHandling);
  if (exchange->route->blocking) {
    std::weak_ptr<Mailbox> mailbox = transport_.mailbox();
    std::string owner = exchange->route->owner_id;
    TaskScheduler& scheduler = core_.scheduler();
    auto id = scheduler.Submit(owner, "blocking handler", [exchange, mailbox] {
      InvokeHandler(*exchange);
      auto expected = Exchange::Phase::kHandling;
      if (exchange->phase.compare_exchange_strong(expected, Exchange::Phase::kCompleted)) {
        if (auto target = mailbox.lock()) {
          target->Post(
              [exchange](HostTransport& transport) { transport.CompleteExchange(exchange); });
        }
      }
    });
    if (id == 0) FinishWithError(503, "the server is shutting down");
    return;
  }
  transport_.set_current_connection(this);
  InvokeHandler(*exchange);
  transport_.set_current_connection(nullptr);
  if (closed_) return;
  if (exchange->phase.load() == Exchange::Phase::kHandling) {
    exchange->phase.store(Exchange::Phase::kCompleted);
    FinishExchange(exchange);
  }
  // kDeferred/kCompleted: response_complete posts the rest. kStreaming: BeginStream did it.
}

void Connection::OnExchangeCompleted(const std::shared_ptr<Exchange>& exchange) {
  if (closed_ || current_ != exchange) return;
  FinishExchange(exchange);
  if (!closed_) ProcessInput();
  UpdateIdle();
}

void Connection::FinishWithError(int status, const std::string& message) {
  SetErrorResponse(*current_, status, message);
  current_->phase.store(Exchange::Phase::kCompleted);
  FinishExchange(current_);
}

void Connection::RequestDone() {
  if (in_flight_) {
    in_flight_ = false;
    core_.stats().RequestFinished();
  }
  ++requests_served_;
}

void Connection::FinishExchange(const std::shared_ptr<Exchange>& exchange) {
  RunResponseFilters(core_, *exchange);
  int status = exchange->response.status;
  if (status >= 400) core_.RecordError(*exchange, status, ErrorMessageOf(*exchange));
  bool keep_alive = exchange->head.keep_alive && body_complete_ && !core_.draining() &&
                    !close_after_write_ && !peer_closed_;
  QueueResponse(*exchange, keep_alive);
  current_.reset();
  RequestDone();
  last_activity_ = SteadyClock::now();
  if (keep_alive) {
    state_ = State::kReadingHead;
  } else {
    CloseAfterWrite();
  }
  Flush();
}

void Connection::QueueResponse(Exchange& exchange, bool keep_alive) {
  ResponseState& response = exchange.response;
  int status = response.status;
  bool head_only = exchange.head.method == "HEAD";
  bool no_body = StatusHasNoBody(status);
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += ReasonPhrase(status);
  head += "\r\n";
  head += DateHeader();
  for (const auto& header : response.headers) {
    head += header.name;
    head += ": ";
    head += header.value;
    head += "\r\n";
  }
  if (!response.content_type.empty() && !no_body) {
    head += "Content-Type: ";
    head += response.content_type;
    head += "\r\n";
  }
  if (!no_body) {
    head += "Content-Length: ";
    head += std::to_string(response.body.size());
    head += "\r\n";
  }
  if (!keep_alive) {
    head += "Connection: close\r\n";
  } else if (exchange.head.minor_version == 0) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";
  ResponseBody& body = response.body;
  bool send_body = !head_only && !no_body;
  if (send_body && body.kind == ResponseBody::Kind::kBytes && body.bytes.size() <= 16384) {
    head += body.bytes;  // one segment, one write
    output_.Append(std::move(head));
    return;
  }
  output_.Append(std::move(head));
  if (!send_body) return;
  switch (body.kind) {
    case ResponseBody::Kind::kNone:
      break;
    case ResponseBody::Kind::kBytes:
      output_.Append(std::move(body.bytes));
      break;
    case ResponseBody::Kind::kShared:
      output_.AppendShared(body.shared_owner, body.shared_data, body.shared_size);
      break;
    case ResponseBody::Kind::kFile:
      output_.AppendFile(std::move(body.file), body.file_offset, body.file_length);
      break;
  }
}

void Connection::RespondEarlyError(int status, const std::string& message) {
  core_.stats().CountRequest();
  core_.RecordError("", "", status, message, client_ip_);
  std::string body = JsonError(message);
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(ReasonPhrase(status)) + "\r\n" +
      DateHeader() +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  output_.Append(std::move(response));
  input_.clear();
  input_offset_ = 0;
  CloseAfterWrite();
  Flush();
}

Connection::StreamStart Connection::BeginStream(Exchange& exchange,
                                                const std::shared_ptr<StreamGroup>& group,
                                                std::shared_ptr<StreamClient>& client) {
  if (closed_ || current_.get() != &exchange || state_ != State::kAwaitingResponse) {
    return StreamStart::kNotAwaitingResponse;
  }
  if (core_.draining()) return StreamStart::kUnavailable;
  auto joined = std::make_shared<StreamClient>();
  joined->mailbox = transport_.mailbox();
  joined->connection_id = id_;
  std::uint64_t last_event_id = 0;
  if (const std::string* header = exchange.head.Find("Last-Event-ID")) {
    last_event_id = ParseLastEventId(*header);
  }
  std::vector<std::shared_ptr<const SseFrame>> replay;
  if (!group->Join(joined, last_event_id, replay)) return StreamStart::kUnavailable;

  exchange.response.status = 200;
  RunResponseFilters(core_, exchange);
  stream_chunked_ = exchange.head.minor_version == 1;
  std::string head = "HTTP/1.1 200 OK\r\n" + DateHeader();
  for (const auto& header : exchange.response.headers) {
    head += header.name + ": " + header.value + "\r\n";
  }
  head +=
      "Content-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n";
  head += stream_chunked_ ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n";
  head += "\r\n";
  output_.Append(std::move(head));
  replay.insert(replay.begin(), MakeRetryFrame(group->options().retry_ms));
  for (const auto& frame : replay) {
    std::string_view bytes = stream_chunked_ ? frame->chunked() : frame->raw();
    output_.AppendShared(frame, bytes.data(), bytes.size());
  }
  exchange.phase.store(Exchange::Phase::kStreaming);
  stream_group_ = group;
  stream_client_ = joined;
  stream_client_ip_ = exchange.client_ip;
  client = joined;
  state_ = State::kStreaming;
  current_.reset();
  RequestDone();
  core_.stats().StreamOpened();
  Flush();
  return StreamStart::kStarted;
}

void Connection::DeliverStreamFrame(const std::shared_ptr<const SseFrame>& frame,
                                    std::uint64_t max_queued_bytes) {
  if (closed_ || state_ != State::kStreaming || stream_ended_) return;
  std::string_view bytes = stream_chunked_ ? frame->chunked() : frame->raw();
  if (output_.memory_bytes() + bytes.size() > max_queued_bytes) {
    spdlog::warn("dropping event-stream client {} ({} bytes behind)", stream_client_ip_,
                 output_.memory_bytes());
    Close();
    return;
  }
  output_.AppendShared(frame, bytes.data(), bytes.size());
  Flush();
}

void Connection::EndStream() {
  if (closed_ || state_ != State::kStreaming || stream_ended_) return;
  stream_ended_ = true;  // frames posted before the close must not follow the last chunk
  if (stream_chunked_) output_.Append("0\r\n\r\n");
  CloseAfterWrite();
  Flush();
}

void Connection::BeginDrain() {
  if (closed_) return;
  if (state_ == State::kReadingHead && input_offset_ >= input_.size() && output_.empty()) {
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
      if (head_timer_running_ && input_offset_ < input_.size()) {
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
      if (elapsed_ms(body_started_) > config.body_timeout_ms) {
        state_ = State::kAwaitingResponse;
        FinishWithError(408, "the request body was not received in time");
      }
      return;
    case State::kClosing:
      if (write_shut_ && now - closing_since_ > kLingerTime) Close();
      return;
    case State::kAwaitingResponse:
    case State::kStreaming:
      return;
  }
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  if (stream_client_) {
    stream_client_->closed.store(true, std::memory_order_release);
    if (stream_group_) stream_group_->Leave(stream_client_.get());
    core_.stats().StreamClosed();
    stream_client_.reset();
    stream_group_.reset();
  }
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
