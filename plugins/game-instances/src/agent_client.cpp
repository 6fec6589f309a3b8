#include "agent_client.h"

#include <curl/curl.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace sr::game_instances {

namespace {

std::optional<sr::net::IpAddress> IpOf(const sockaddr& address, socklen_t length) {
  sr::net::IpAddress ip;
  if (address.sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in&>(address).sin_addr, 4);
    return ip;
  }
  if (address.sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    ip.family = sr::net::IpAddress::Family::kV6;
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, 16);
    return sr::net::ParseIp(sr::net::FormatIp(ip));  // a mapped IPv4 address is judged as one
  }
  return std::nullopt;
}

}  // namespace

struct AgentClient::Call {
  AgentCall call;
  Done done;
  std::string url;
  std::string answer;
  std::size_t limit = 0;
  bool oversized = false;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  const sr::spawner_registry::SpawnTargetPolicy* targets = nullptr;
  std::string refused;
  bool connected = false;

  ~Call() {
    curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }

  static curl_socket_t Open(void* self, curlsocktype purpose, curl_sockaddr* address) {
    auto* call = static_cast<Call*>(self);
    auto ip = purpose == CURLSOCKTYPE_IPCXN ? IpOf(address->addr, address->addrlen) : std::nullopt;
    if (!ip || !call->targets->Allows(*ip, /*owner_on_loopback=*/false)) {
      if (call->refused.empty()) call->refused = ip ? sr::net::FormatIp(*ip) : "of another kind";
      return CURL_SOCKET_BAD;
    }
    call->connected = true;
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  static size_t Write(char* data, size_t size, size_t count, void* self) {
    auto* call = static_cast<Call*>(self);
    size_t bytes = size * count;
    if (call->answer.size() + bytes > call->limit) {
      call->oversized = true;
      return 0;
    }
    call->answer.append(data, bytes);
    return bytes;
  }
};

AgentClient::AgentClient(AgentClientOptions options) : options_(std::move(options)) {
  if (curl_global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
    throw std::runtime_error("libcurl could not be initialized");
  }
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    curl_global_cleanup();
    throw std::runtime_error("libcurl could not create a multi handle");
  }
  thread_ = std::thread([this] { Loop(); });
}

AgentClient::~AgentClient() {
  Stop();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  curl_global_cleanup();
}

bool AgentClient::Start(AgentCall call, Done done) {
  auto pending = std::make_unique<Call>();
  pending->call = std::move(call);
  pending->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || in_flight_ >= options_.max_in_flight) return false;
    ++in_flight_;
    incoming_.push_back(std::move(pending));
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  return true;
}

std::size_t AgentClient::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

void AgentClient::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

void AgentClient::Finished() {
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
}

void AgentClient::Begin(std::unique_ptr<Call> call) {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    AgentResult result;
    result.message = "libcurl could not create a transfer";
    call->done(std::move(result));
    Finished();
    return;
  }
  call->easy = easy;
  call->limit = options_.max_response_bytes;
  call->targets = &options_.targets;
  bool ipv6 = call->call.host.find(':') != std::string::npos;
  call->url = "http://" + (ipv6 ? "[" + call->call.host + "]" : call->call.host) + ":" +
              std::to_string(call->call.port) + call->call.path;
  call->headers = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
  call->headers = curl_slist_append(call->headers, "Accept: application/json");
  if (call->call.method == "POST" || !call->call.body.empty()) {
    call->headers = curl_slist_append(call->headers, "Content-Type: application/json");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call->call.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(call->call.body.size()));
  }
  if (call->call.method != "GET" && call->call.method != "POST") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call->call.method.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_URL, call->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call->headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "game-instances/1.0");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Call::Write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, call.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call->error);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Call::Open);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, call.get());
  // A pooled connection would skip the address check in Open.
  curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_multi_add_handle(static_cast<CURLM*>(multi_), easy);
  active_.emplace(easy, std::move(call));
}

AgentResult AgentClient::Outcome(Call& call, int code_in) const {
  auto code = static_cast<CURLcode>(code_in);
  AgentResult result;
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &status);
    result.kind = AgentResult::Kind::kResponse;
    result.status = static_cast<int>(status);
    result.body = std::move(call.answer);
    return result;
  }
  if (!call.connected && !call.refused.empty()) {
    result.kind = AgentResult::Kind::kRefused;
    result.message = sr::spawner_registry::RefusedTargetMessage(call.refused);
    return result;
  }
  if (call.oversized) {
    result.message = "the agent's answer exceeds " + std::to_string(call.limit) + " bytes";
    return result;
  }
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    result.kind = AgentResult::Kind::kUnreachable;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    curl_off_t connect_us = 0;
    curl_easy_getinfo(call.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    result.kind = connect_us > 0 ? AgentResult::Kind::kTimeout : AgentResult::Kind::kUnreachable;
  }
  result.message = call.error[0] != '\0' ? call.error : curl_easy_strerror(code);
  return result;
}

void AgentClient::Collect() {
  auto* multi = static_cast<CURLM*>(multi_);
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    int code = message->data.result;
    curl_multi_remove_handle(multi, easy);
    auto found = active_.find(easy);
    if (found == active_.end()) continue;
    std::unique_ptr<Call> call = std::move(found->second);
    active_.erase(found);
    AgentResult result = Outcome(*call, code);
    call->done(std::move(result));
    Finished();
  }
}

void AgentClient::Loop() {
  auto* multi = static_cast<CURLM*>(multi_);
  for (;;) {
    std::vector<std::unique_ptr<Call>> arrived;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
      arrived.swap(incoming_);
    }
    for (auto& call : arrived) Begin(std::move(call));
    int running = 0;
    curl_multi_perform(multi, &running);
    Collect();
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  std::vector<std::unique_ptr<Call>> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left.swap(incoming_);
  }
  for (auto& [easy, call] : active_) {
    curl_multi_remove_handle(multi, static_cast<CURL*>(easy));
    left.push_back(std::move(call));
  }
  active_.clear();
  for (auto& call : left) {
    AgentResult result;
    result.message = "the master is shutting down";
    call->done(std::move(result));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_ = 0;
}

}  // namespace sr::game_instances
