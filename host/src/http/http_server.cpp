#include "http/http_server.h"

#include <pistache/listener.h>
#include <pistache/net.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "http/host_transport.h"
#include "http/mailbox.h"
#include "http/server_core.h"
#include "runtime/host_stats.h"

namespace sr::host {

HttpServer::HttpServer(ServerCore& core) : core_(core) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Bind(const std::string& bind, int port, int io_threads) {
  Pistache::Address address;
  try {
    address = Pistache::Address(bind, Pistache::Port(static_cast<std::uint16_t>(port)));
  } catch (const std::exception& e) {
    throw std::runtime_error("invalid bind address '" + bind + "': " + e.what());
  }
  listener_ = std::make_unique<Pistache::Tcp::Listener>(address);
  auto options = Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr) |
                 Pistache::Tcp::Options::CloseOnExec;
  listener_->init(static_cast<size_t>(io_threads), options, "sr-io");
  auto handler = std::make_shared<PeerHandler>();
  listener_->setHandler(handler);
  listener_->setTransportFactory(
      [handler, this] { return std::make_shared<HostTransport>(handler, core_); });
  try {
    listener_->bind(address);
  } catch (const std::exception& e) {
    listener_.reset();
    throw std::runtime_error("cannot listen on " + bind + ":" + std::to_string(port) + ": " +
                             e.what());
  }
  port_ = static_cast<std::uint16_t>(listener_->getPort());
}

void HttpServer::Serve() {
  if (!listener_) throw std::runtime_error("the server was not bound before serving");
  listener_->runThreaded();
}

void HttpServer::BeginDrain() {
  core_.set_draining();
  core_.ForEachMailbox([](const std::shared_ptr<Mailbox>& mailbox) {
    mailbox->Post([](HostTransport& transport) { transport.BeginDrain(); });
  });
}

bool HttpServer::WaitForInFlight(std::int64_t deadline_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  while (core_.stats().in_flight() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void HttpServer::EndStreams() {
  core_.ForEachMailbox([](const std::shared_ptr<Mailbox>& mailbox) {
    mailbox->Post([](HostTransport& transport) { transport.EndStreams(); });
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (core_.stats().streams() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void HttpServer::Stop() {
  if (!listener_) return;
  listener_->shutdown();
  listener_.reset();  // joins the accept and I/O threads
}

std::string EndpointText(const std::string& bind, std::uint16_t port) {
  std::string text;
  if (bind.find(':') != std::string::npos) {
    text.append("[").append(bind).append("]");
  } else {
    text.append(bind);
  }
  return text.append(":").append(std::to_string(port));
}

}  // namespace sr::host
