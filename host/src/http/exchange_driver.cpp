// The exchange driver of a Connection: from a parsed request head to the response queued on
// the connection — routing, the body limit, guards, the handler (on this I/O thread or a
// worker), response filters, the error log and the response's bytes.
#include <string>

#include "http/client_address.h"
#include "http/connection.h"
#include "http/exchange.h"
#include "http/exchange_flow.h"
#include "http/host_transport.h"
#include "http/mailbox.h"
#include "http/server_core.h"
#include "http/status_text.h"
#include "runtime/host_stats.h"
#include "runtime/task_scheduler.h"
#include "util/strings.h"
#include "util/time.h"

namespace sr::host {

namespace {

bool StatusHasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace

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

void Connection::StartExchange(RequestHead head) {
  core_.stats().CountRequest();
  core_.stats().RequestStarted();
  in_flight_ = true;
  auto exchange = std::make_shared<Exchange>();
  exchange->started_at = head_started_;  // no clock read: the head began arriving then
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
  RouteMatch match = exchange->table->Match(exchange->head.method, exchange->head.raw_path());
  if (match.route == nullptr) {
    if (match.status == 405) {
      exchange->response.headers.push_back(HeaderField{"Allow", match.allow});
      FinishWithError(405, "method " + exchange->head.method + " is not allowed for " +
                               std::string(exchange->head.path()));
    } else {
      FinishWithError(404, "no route for " + exchange->head.method + " " +
                               std::string(exchange->head.path()));
    }
    return;
  }
  exchange->route = match.route.get();  // kept alive by exchange->table
  exchange->path_params = std::move(match.params);
  std::uint64_t body_limit = match.route->max_body_bytes != 0 ? match.route->max_body_bytes
                                                              : core_.config().max_body_bytes;
  if (exchange->head.content_length && *exchange->head.content_length > body_limit) {
    FinishWithError(413, "request body is larger than " + std::to_string(body_limit) + " bytes");
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
  reader_.BeginBody(body_limit);
  state_ = State::kReadingBody;
  body_started_ = last_activity_;  // the read that completed the head, without a clock read
  body_window_started_ = body_started_;
  body_window_bytes_ = exchange->body.size();
  if (exchange->head.expect_continue && exchange->head.minor_version == 1) {
    output_.Append("HTTP/1.1 100 Continue\r\n\r\n");
    Flush();
  }
}

bool Connection::ContinueBody() {
  auto exchange = current_;
  switch (reader_.ReadBody(*exchange)) {
    case RequestReader::BodyStatus::kError:
      state_ = State::kAwaitingResponse;
      FinishWithError(reader_.body_error_status(), reader_.body_error());
      return false;
    case RequestReader::BodyStatus::kNeedMore:
      return false;
    case RequestReader::BodyStatus::kComplete:
      break;
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

SteadyClock::time_point Connection::RecordRequestMetrics(const Exchange& exchange, int status) {
  HttpMetrics::RouteSlot& slot = exchange.route != nullptr && exchange.route->metrics != nullptr
                                     ? *exchange.route->metrics
                                     : core_.http_metrics().unmatched();
  SteadyClock::time_point now = SteadyClock::now();
  slot.Record(exchange.head.method, status,
              std::chrono::duration<double>(now - exchange.started_at).count());
  return now;
}

void Connection::FinishExchange(const std::shared_ptr<Exchange>& exchange) {
  RunResponseFilters(core_, *exchange);
  int status = exchange->response.status;
  SteadyClock::time_point answered_at = RecordRequestMetrics(*exchange, status);
  if (status >= 400) core_.RecordError(*exchange, status, ErrorMessageOf(*exchange));
  bool keep_alive = exchange->head.keep_alive && body_complete_ && !core_.draining() &&
                    !close_after_write_ && !peer_closed_;
  QueueResponse(*exchange, keep_alive);
  current_.reset();
  RequestDone();
  last_activity_ = answered_at;
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
  core_.http_metrics().unmatched().Record("other", status, -1);  // no head: no duration
  core_.RecordError("", "", status, message, client_ip_);
  std::string body = JsonError(message);
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(ReasonPhrase(status)) + "\r\n" +
      DateHeader() +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  output_.Append(std::move(response));
  reader_.Clear();
  CloseAfterWrite();
  Flush();
}

}  // namespace sr::host
