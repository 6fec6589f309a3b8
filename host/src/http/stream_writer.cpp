// The stream writer: what an event stream puts on the wire, and the Connection's side of
// carrying one (opening it from stream_open, delivering frames, ending it).
#include "http/stream_writer.h"

#include <spdlog/spdlog.h>

#include "http/connection.h"
#include "http/exchange.h"
#include "http/exchange_flow.h"
#include "http/host_transport.h"
#include "http/server_core.h"
#include "runtime/host_stats.h"
#include "streams/sse_frame.h"
#include "streams/stream_group.h"

namespace sr::host {

std::string StreamWriter::Head(const ResponseState& response, bool chunked,
                               std::string_view date_header) {
  std::string head = "HTTP/1.1 200 OK\r\n" + std::string(date_header);
  for (const auto& header : response.headers) {
    head += header.name + ": " + header.value + "\r\n";
  }
  head +=
      "Content-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n";
  head += chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n";
  head += "\r\n";
  return head;
}

void StreamWriter::Attach(std::shared_ptr<StreamGroup> group, std::shared_ptr<StreamClient> client,
                          std::string client_ip, bool chunked) {
  group_ = std::move(group);
  client_ = std::move(client);
  client_ip_ = std::move(client_ip);
  chunked_ = chunked;
}

std::string_view StreamWriter::Bytes(const SseFrame& frame) const {
  return chunked_ ? frame.chunked() : frame.raw();
}

std::string_view StreamWriter::End() {
  ended_ = true;
  return chunked_ ? std::string_view("0\r\n\r\n") : std::string_view();
}

bool StreamWriter::Detach() {
  if (!client_) return false;
  client_->closed.store(true, std::memory_order_release);
  if (group_) group_->Leave(client_.get());
  client_.reset();
  group_.reset();
  return true;
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
  bool chunked = exchange.head.minor_version == 1;
  output_.Append(StreamWriter::Head(exchange.response, chunked, DateHeader()));
  stream_.Attach(group, joined, exchange.client_ip, chunked);
  replay.insert(replay.begin(), MakeRetryFrame(group->options().retry_ms));
  for (const auto& frame : replay) {
    std::string_view bytes = stream_.Bytes(*frame);
    output_.AppendShared(frame, bytes.data(), bytes.size());
  }
  exchange.phase.store(Exchange::Phase::kStreaming);
  client = joined;
  state_ = State::kStreaming;
  RecordRequestMetrics(exchange, 200);
  current_.reset();
  RequestDone();
  core_.stats().StreamOpened();
  Flush();
  return StreamStart::kStarted;
}

void Connection::DeliverStreamFrame(const std::shared_ptr<const SseFrame>& frame,
                                    std::uint64_t max_queued_bytes) {
  if (closed_ || state_ != State::kStreaming || !stream_.open()) return;
  std::string_view bytes = stream_.Bytes(*frame);
  if (output_.memory_bytes() + bytes.size() > max_queued_bytes) {
    spdlog::warn("dropping event-stream client {} ({} bytes behind)", stream_.client_ip(),
                 output_.memory_bytes());
    Close();
    return;
  }
  output_.AppendShared(frame, bytes.data(), bytes.size());
  Flush();
}

void Connection::EndStream() {
  if (closed_ || state_ != State::kStreaming || !stream_.open()) return;
  std::string_view last_chunk = stream_.End();
  if (!last_chunk.empty()) output_.Append(std::string(last_chunk));
  CloseAfterWrite();
  Flush();
}

}  // namespace sr::host
