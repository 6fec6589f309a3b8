#include "spawn_client.h"

#include <curl/curl.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace sr::spawner_registry {

namespace {

std::string BaseUrl(const std::string& host, std::uint16_t port) {
  // An IPv6 address needs brackets in a URL.
  bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<sr::net::IpAddress> AddressOf(const sockaddr& address, socklen_t length) {
  sr::net::IpAddress ip;
  if (address.sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    std::memcpy(ip.bytes.data(), &v4.sin_addr, 4);
    return ip;
  }
  if (address.sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ip.family = sr::net::IpAddress::Family::kV6;
    std::memcpy(ip.bytes.data(), &v6.sin6_addr, 16);
    // A mapped IPv4 address is judged as the IPv4 address it is.
    return sr::net::ParseIp(sr::net::FormatIp(ip));
  }
  return std::nullopt;
}

}  // namespace

struct SpawnClient::Transfer {
  SpawnCall call;
  Done done;
  std::string url;
  std::string response;
  bool too_large = false;
  std::size_t max_response_bytes = 0;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  const SpawnTargetPolicy* targets = nullptr;
  std::string refused;      // the first address refused by `targets`
  bool connecting = false;  // a socket was opened to an allowed address

  static curl_socket_t OpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(self);
    std::optional<sr::net::IpAddress> ip =
        purpose == CURLSOCKTYPE_IPCXN ? AddressOf(address->addr, address->addrlen) : std::nullopt;
    if (!ip || !transfer->targets->Allows(*ip, transfer->call.owner_on_loopback)) {
      if (transfer->refused.empty()) {
        transfer->refused = ip ? sr::net::FormatIp(*ip) : "of an unsupported kind";
      }
      return CURL_SOCKET_BAD;
    }
    transfer->connecting = true;
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  ~Transfer() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
  }

  static size_t OnData(char* data, size_t size, size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    size_t bytes = size * count;
    if (transfer->response.size() + bytes > transfer->max_response_bytes) {
      transfer->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    transfer->response.append(data, bytes);
    return bytes;
  }
};

SpawnClient::SpawnClient(SpawnClientOptions options) : options_(options) {
  if (curl_global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
    throw std::runtime_error("libcurl could not be initialized");
  }
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    curl_global_cleanup();
    throw std::runtime_error("libcurl could not create a multi handle");
  }
  thread_ = std::thread([this] { Run(); });
}

SpawnClient::~SpawnClient() {
  Stop();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  curl_global_cleanup();
}

bool SpawnClient::Post(SpawnCall call, Done done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->call = std::move(call);
  transfer->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || in_flight_ >= options_.max_in_flight) return false;
    ++in_flight_;
    queued_.push_back(std::move(transfer));
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  return true;
}

void SpawnClient::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

void SpawnClient::Start(std::unique_ptr<Transfer> transfer) {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    SpawnResult result;
    result.message = "libcurl could not create a transfer";
    transfer->done(std::move(result));
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
    return;
  }
  transfer->easy = easy;
  transfer->max_response_bytes = options_.max_response_bytes;
  transfer->targets = &options_.targets;
  transfer->url = BaseUrl(transfer->call.host, transfer->call.port) + transfer->call.path;
  // No "Expect: 100-continue" round trip for small bodies.
  transfer->headers = curl_slist_append(nullptr, "Expect:");
  if (transfer->call.method == "POST") {
    std::string content_type =
        transfer->call.content_type.empty() ? "application/json" : transfer->call.content_type;
    transfer->headers =
        curl_slist_append(transfer->headers, ("Content-Type: " + content_type).c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->call.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(transfer->call.body.size()));
  } else if (transfer->call.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, transfer->call.method.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_URL, transfer->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // spawners are reached directly
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "spawner-registry/1.0");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::OnData);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.get());
  // A pooled connection would skip OpenSocket, and whether loopback is allowed depends on
  // the spawner: every call connects anew.
  curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_multi_add_handle(static_cast<CURLM*>(multi_), easy);
  running_.emplace(easy, std::move(transfer));
}

SpawnResult SpawnClient::ResultOf(Transfer& transfer, int code_in) {
  auto code = static_cast<CURLcode>(code_in);
  SpawnResult result;
  std::string detail = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code);
  if (code == CURLE_OK) {
    long status = 0;
    char* type = nullptr;
    curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(transfer.easy, CURLINFO_CONTENT_TYPE, &type);
    if (status < 200 || status > 599) {
      result.message = "the spawner answered with status " + std::to_string(status);
      return result;
    }
    result.kind = SpawnResult::Kind::kResponse;
    result.status = static_cast<int>(status);
    result.body = std::move(transfer.response);
    result.content_type = type != nullptr ? type : "application/octet-stream";
    return result;
  }
  if (!transfer.connecting && !transfer.refused.empty()) {
    result.kind = SpawnResult::Kind::kRefused;
    result.message = RefusedTargetMessage(transfer.refused);
    return result;
  }
  if (transfer.too_large) {
    result.kind = SpawnResult::Kind::kTooLarge;
    result.message =
        "the spawner's answer exceeds " + std::to_string(options_.max_response_bytes) + " bytes";
    return result;
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      result.kind = SpawnResult::Kind::kUnreachable;
      break;
    case CURLE_OPERATION_TIMEDOUT: {
      // A connect timeout is unreachable; a silent spawner after connecting is a timeout.
      long connected = 0;
      curl_easy_getinfo(transfer.easy, CURLINFO_CONNECT_TIME_T, &connected);
      result.kind = connected > 0 ? SpawnResult::Kind::kTimeout : SpawnResult::Kind::kUnreachable;
      break;
    }
    default:
      result.kind = SpawnResult::Kind::kFailed;
      break;
  }
  result.message = detail;
  return result;
}

void SpawnClient::StartQueued() {
  std::vector<std::unique_ptr<Transfer>> queued;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued.swap(queued_);
  }
  for (auto& transfer : queued) Start(std::move(transfer));
}

void SpawnClient::FinishDone() {
  auto* multi = static_cast<CURLM*>(multi_);
  int remaining = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &remaining)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    int code = message->data.result;
    curl_multi_remove_handle(multi, easy);
    auto found = running_.find(easy);
    if (found == running_.end()) continue;
    std::unique_ptr<Transfer> transfer = std::move(found->second);
    running_.erase(found);
    SpawnResult result = ResultOf(*transfer, code);
    transfer->done(std::move(result));
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
  }
}

void SpawnClient::Run() {
  auto* multi = static_cast<CURLM*>(multi_);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    StartQueued();
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    FinishDone();
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  // Stopping: whatever is queued or running ends now.
  StartQueued();
  for (auto& [easy, transfer] : running_) {
    curl_multi_remove_handle(multi, static_cast<CURL*>(easy));
    SpawnResult result;
    result.message = "the registry is shutting down";
    transfer->done(std::move(result));
  }
  running_.clear();
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_ = 0;
}

}  // namespace sr::spawner_registry
