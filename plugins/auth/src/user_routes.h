// User administration (admins only).
//
//   GET    /api/users                  {"users": [user...]}
//   POST   /api/users                  {email, password, role?=viewer} -> 201 user
//   PATCH  /api/users/{id}             {role?, disabled?} -> 200 user
//   DELETE /api/users/{id}             -> 200 {"message": "deleted"}
//   POST   /api/users/{id}/password    {password} -> 200 {"ok": true}
// Disabling, deleting and resetting the password end the user's sessions. The last enabled
// admin cannot be deleted, disabled or demoted (409).
#pragma once

#include <string_view>

#include "auth_core.h"
#include "http_types.h"

namespace sr::auth {

class UserRoutes {
 public:
  explicit UserRoutes(AuthCore& core);

  HttpReply List();
  // The rest write the store (and Create/ResetPassword run argon2): call on worker threads.
  HttpReply Create(const Caller& caller, std::string_view ip, std::string_view body);
  HttpReply Update(const Caller& caller, std::string_view ip, std::string_view id,
                   std::string_view body);
  HttpReply Delete(const Caller& caller, std::string_view ip, std::string_view id);
  HttpReply ResetPassword(const Caller& caller, std::string_view ip, std::string_view id,
                          std::string_view body);

 private:
  AuthCore& core_;
};

}  // namespace sr::auth
