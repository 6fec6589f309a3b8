// Plain descriptions of a request and of the reply to give, so that every decision of the
// plugin is made (and unit-tested) without the host: the shim only copies these in and out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::auth {

struct HeaderField {
  std::string name;
  std::string value;
};

// What the plugin reads from a request. Views borrow from the host's request.
struct RequestFacts {
  std::string_view method;
  std::string_view path;   // percent-decoded
  std::string_view query;  // raw, without '?'
  std::string_view client_ip;
  bool secure = false;                             // TLS connection
  std::optional<std::string_view> api_key;         // X-API-Key, else Authorization: Bearer
  std::optional<std::string_view> session_cookie;  // the cookie named for `secure` (cookies.h)
  std::optional<std::string_view> csrf_token;      // X-CSRF-Token
  std::optional<std::string_view> origin;
  std::optional<std::string_view> referer;
  std::optional<std::string_view> host;
  std::optional<std::string_view> accept;
  std::optional<std::string_view> content_type;
};

// The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive),
// or nullopt for any other header value.
std::optional<std::string_view> BearerCredential(std::string_view authorization);
// The API key a request presents: X-API-Key when present, else the Bearer credential.
std::optional<std::string_view> PresentedApiKey(std::optional<std::string_view> x_api_key,
                                                std::optional<std::string_view> authorization);

// True for a browser navigating to a page (GET/HEAD that accepts HTML), which is better
// answered with a redirect or a page than with JSON.
bool IsBrowserNavigation(const RequestFacts& request);
// True when the client asked for JSON rather than a page: a JSON body, or Accept naming JSON
// but not HTML.
bool WantsJson(const RequestFacts& request);

// A complete reply. When `error` is set the shim answers with the host's JSON error (so that
// it reaches the error log) using `status`; otherwise with `body` of `content_type`.
struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::optional<std::string> error;
  std::vector<HeaderField> headers;
  // Deliver the reply only after this many milliseconds (progressive delay for accounts under
  // attack). The shim waits with a deferred response and a timer, never a blocked thread.
  std::int64_t delay_ms = 0;

  static HttpReply Json(int status, std::string body);
  static HttpReply Error(int status, std::string message);
  static HttpReply Html(int status, std::string body);
  // 303 See Other: after a form POST the browser follows with a GET.
  static HttpReply Redirect(std::string location);
  HttpReply& With(std::string name, std::string value);
};

// Who a guard let through, as recorded in the request attributes.
struct Caller {
  std::string user;  // email, or "key:<name>"
  std::string role;
  std::string auth;  // "session", "api-key" or "spawner-token"
  std::string csrf;  // sessions only
};

}  // namespace sr::auth
