#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace Pistache::Tcp {
class Listener;
}

namespace sr::host {

class ServerCore;

// The listening socket and its I/O threads. Pistache's Listener accepts and spreads
// connections over the threads; each thread runs one HostTransport.
class HttpServer {
 public:
  explicit HttpServer(ServerCore& core);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket, so that the actual port is known (plugins ask for it with
  // server_endpoint) before anything is served: connections wait in the kernel's backlog
  // until Serve. Throws std::runtime_error with a clear message.
  void Bind(const std::string& bind, int port, int io_threads);
  // Starts accepting and serving on the bound socket.
  void Serve();
  std::uint16_t port() const { return port_; }

  // Stops taking new requests: idle connections close, responses say Connection: close.
  void BeginDrain();
  // Waits until no request is in flight or the deadline passes; true if drained.
  bool WaitForInFlight(std::int64_t deadline_ms);
  // Ends every event stream cleanly (terminating chunk) and waits briefly for the bytes.
  void EndStreams();
  // Stops the I/O threads and closes every connection.
  void Stop();

 private:
  ServerCore& core_;
  std::unique_ptr<Pistache::Tcp::Listener> listener_;
  std::uint16_t port_ = 0;
};

// "<bind>:<port>", with an IPv6 address in brackets ("[::]:8081") as in a URL.
std::string EndpointText(const std::string& bind, std::uint16_t port);

}  // namespace sr::host
