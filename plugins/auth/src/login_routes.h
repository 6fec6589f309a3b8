// The sign-in and sign-out endpoints (all public: they are how a session begins and ends).
//
//   GET  /login       the form (keeps ?next=)
//   POST /login       form fields or JSON {email, password, next?}: a session cookie and a 303
//                     to `next` (JSON: 200 {"ok", "user", "csrf_token"}); failures 401,
//                     rate-limited 429 with Retry-After
//   GET  /logout, POST /logout   end the session: 303 to /login (JSON: 200 {"ok": true})
//   GET  /login.css   the form's stylesheet
#pragma once

#include <optional>
#include <string_view>

#include "auth_core.h"
#include "http_types.h"

namespace sr::auth {

class LoginRoutes {
 public:
  explicit LoginRoutes(AuthCore& core);

  HttpReply Page(const RequestFacts& request, std::optional<std::string_view> next);
  // Runs argon2: call on a worker thread.
  HttpReply Submit(const RequestFacts& request, std::string_view body);
  // Writes to the store: call on a worker thread.
  HttpReply Logout(const RequestFacts& request);
  static HttpReply Stylesheet();

 private:
  bool SecureCookie(const RequestFacts& request) const;

  AuthCore& core_;
};

}  // namespace sr::auth
