// WebhookTransport over libcurl: one easy handle per webhook, so its connection is kept
// alive between messages.
#pragma once

#include <string>

#include "webhook_sender.h"

namespace sr::alerts {

class CurlTransport final : public WebhookTransport {
 public:
  explicit CurlTransport(std::string url);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  PostResult Post(const std::string& body, std::chrono::milliseconds timeout,
                  const std::atomic<bool>& stop) override;

 private:
  std::string url_;
  void* easy_ = nullptr;     // CURL*
  void* headers_ = nullptr;  // curl_slist*
};

// Empty when `url` is an http:// or https:// URL with a host libcurl can use; otherwise why
// not. Also sets `*display` to scheme://host[:port], which names the webhook without its
// path (where hooks keep their secret).
std::string CheckWebhookUrl(const std::string& url, std::string* display);

}  // namespace sr::alerts
