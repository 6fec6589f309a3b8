#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/output_queue.h"
#include "http/request_head.h"
#include "http/request_reader.h"
#include "http/socket_channel.h"
#include "http/stream_writer.h"
#include "util/time.h"

namespace Pistache::Tcp {
class Peer;
}

namespace sr::host {

class Exchange;
class HostTransport;
class ServerCore;
class StreamGroup;
struct SseFrame;
struct StreamClient;

// "Date: <IMF-fixdate>\r\n", formatted once per second per thread.
std::string DateHeader();

// One client socket on one I/O thread: reads and parses requests (pipelined ones in order),
// runs them through guards and handlers, writes responses, or carries an event stream.
// Every method runs on the owning I/O thread. Its jobs live in separate files: socket I/O,
// TLS, timers and closing here (connection.cpp); buffering input and reading bodies in
// RequestReader (request_reader.cpp); driving an exchange from head to queued response in
// exchange_driver.cpp; carrying an event stream in StreamWriter (stream_writer.cpp).
class Connection {
 public:
  Connection(HostTransport& transport, ServerCore& core, std::shared_ptr<Pistache::Tcp::Peer> peer,
             std::uint64_t id, std::string client_ip);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  const std::shared_ptr<Pistache::Tcp::Peer>& peer() const { return peer_; }
  bool closed() const { return closed_; }

  void OnReadable();
  void OnWritable();
  void OnTick(SteadyClock::time_point now);
  // A deferred or blocking exchange has its response.
  void OnExchangeCompleted(const std::shared_ptr<Exchange>& exchange);
  void DeliverStreamFrame(const std::shared_ptr<const SseFrame>& frame,
                          std::uint64_t max_queued_bytes);
  // Turns the current exchange into an event stream (from stream_open, on this thread).
  enum class StreamStart {
    kStarted,
    kNotAwaitingResponse,  // not this connection's current exchange, or already answered
    kUnavailable,          // draining, or the group is full
  };
  StreamStart BeginStream(Exchange& exchange, const std::shared_ptr<StreamGroup>& group,
                          std::shared_ptr<StreamClient>& client);
  // Shutdown or stream_close: finish an event stream cleanly.
  void EndStream();
  // Shutdown: close now if idle; otherwise close after the current response.
  void BeginDrain();
  // Closes without another byte.
  void Abort();
  // This connection holds a slot of `address` in the per-address count, released at close.
  void set_counted_address(std::string address) {
    counted_address_ = std::move(address);
    address_counted_ = true;
  }
  // The server is full and this connection was idle for longest: closed if it still is.
  void EvictIfIdle();

 private:
  enum class State { kReadingHead, kReadingBody, kAwaitingResponse, kStreaming, kClosing };

  void HandleReadable();
  // An idle keep-alive connection: served a request, waits for the next with nothing
  // buffered either way.
  bool IsIdleKeepAlive() const;
  // Keeps this connection's entry in its I/O thread's idle list in step with its state.
  void UpdateIdle();
  void ReadAvailable();
  // Advances a TLS handshake; false while it is still under way (or failed and closed).
  bool AdvanceHandshake();
  void ProcessInput();
  void StartExchange(RequestHead head);
  bool ContinueBody();
  void Dispatch(const std::shared_ptr<Exchange>& exchange);
  void FinishExchange(const std::shared_ptr<Exchange>& exchange);
  void FinishWithError(int status, const std::string& message);
  void RespondEarlyError(int status, const std::string& message);
  void QueueResponse(Exchange& exchange, bool keep_alive);
  // Counts the answered request and its duration under its route's pattern; returns the time
  // it was answered (the connection's last activity).
  SteadyClock::time_point RecordRequestMetrics(const Exchange& exchange, int status);
  void Flush();
  void CloseAfterWrite();
  void Close();
  void RequestDone();
  // A body that exceeded body_timeout, or fell below body_min_rate over a body_rate_window,
  // gets 408.
  void CheckBodyProgress(SteadyClock::time_point now);

  HostTransport& transport_;
  ServerCore& core_;
  std::shared_ptr<Pistache::Tcp::Peer> peer_;
  int fd_;
  std::uint64_t id_;
  std::string client_ip_;
  std::unique_ptr<SocketChannel> channel_;
  bool handshaking_ = false;

  State state_ = State::kReadingHead;
  RequestReader reader_;  // bytes read and not yet consumed; the current request's body
  bool read_paused_ = false;
  bool peer_closed_ = false;
  bool close_after_write_ = false;
  bool write_shut_ = false;
  bool watching_writes_ = false;
  bool closed_ = false;
  bool in_flight_ = false;

  std::shared_ptr<Exchange> current_;
  bool body_complete_ = true;

  OutputQueue output_;
  SteadyClock::time_point connected_at_;
  SteadyClock::time_point head_started_;
  bool head_timer_running_ = false;
  SteadyClock::time_point body_started_;
  SteadyClock::time_point body_window_started_;  // the current rate window
  std::uint64_t body_window_bytes_ = 0;          // body bytes when it started
  SteadyClock::time_point last_activity_;
  SteadyClock::time_point last_write_progress_;
  SteadyClock::time_point closing_since_;
  std::uint64_t requests_served_ = 0;

  std::string counted_address_;
  bool address_counted_ = false;
  bool idle_listed_ = false;
  SteadyClock::time_point idle_since_;

  StreamWriter stream_;
};

}  // namespace sr::host
