#include "curl_transport.h"

#include <curl/curl.h>

#include <stdexcept>

namespace sr::alerts {

namespace {

std::size_t Discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

int OnProgress(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(stop)->load() ? 1 : 0;
}

}  // namespace

CurlTransport::CurlTransport(std::string url) : url_(std::move(url)) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw std::runtime_error("libcurl could not be initialized");
  }
  easy_ = curl_easy_init();
  if (easy_ == nullptr) {
    curl_global_cleanup();
    throw std::runtime_error("libcurl could not create a transfer");
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  headers_ = headers;
}

CurlTransport::~CurlTransport() {
  curl_easy_cleanup(static_cast<CURL*>(easy_));
  curl_slist_free_all(static_cast<curl_slist*>(headers_));
  curl_global_cleanup();
}

PostResult CurlTransport::Post(const std::string& body, std::chrono::milliseconds timeout,
                               const std::atomic<bool>& stop) {
  CURL* easy = static_cast<CURL*>(easy_);
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // A redirect would resend the alert somewhere the configuration never named.
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(headers_));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "spawner-registry-alerts/1.0");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Discard);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&stop));

  PostResult result;
  CURLcode code = curl_easy_perform(easy);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    result.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    return result;
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  if (status < 200 || status >= 300)
    result.error = "the webhook answered " + std::to_string(status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    result.retry_after = std::chrono::seconds(retry_after);
  }
  return result;
}

std::string CheckWebhookUrl(const std::string& url, std::string* display) {
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return "out of memory";
  std::string problem;
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    problem = "not a URL: write it as https://host/path";
  } else if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
             (std::string(scheme) != "http" && std::string(scheme) != "https")) {
    problem = "only http:// and https:// webhooks are supported";
  } else if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
    problem = "the URL has no host";
  } else {
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on `":" + string`.
    display->assign(scheme).append("://").append(host);
    if (curl_url_get(parsed, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
      display->append(":").append(port);
    }
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(parsed);
  return problem;
}

}  // namespace sr::alerts
