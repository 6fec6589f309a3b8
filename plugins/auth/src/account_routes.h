// The signed-in caller's own account.
//
//   GET  /api/me            who the caller is; for sessions also the CSRF token that
//                           state-changing requests must send in X-CSRF-Token
//   POST /api/me/password   {current_password, new_password}: ends every session of the user
//                           and starts a fresh one for this browser
#pragma once

#include <string_view>

#include "auth_core.h"
#include "http_types.h"

namespace sr::auth {

class AccountRoutes {
 public:
  explicit AccountRoutes(AuthCore& core);

  HttpReply Me(const Caller& caller);
  // Runs argon2 and writes the store: call on a worker thread.
  HttpReply ChangePassword(const Caller& caller, const RequestFacts& request,
                           std::string_view body);

 private:
  AuthCore& core_;
};

}  // namespace sr::auth
