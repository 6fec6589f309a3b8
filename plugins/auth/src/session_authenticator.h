// Turns a session cookie into a signed-in user, checking the user as it is now: a deleted or
// disabled user, or one whose password changed since the session began, has no session.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "session_store.h"
#include "user_directory.h"

namespace sr::auth {

struct SignedInUser {
  Session session;
  User user;
};

// Reads only memory (but see SessionStore::Touch for a clustered store). `touch` restarts
// the session's idle timer.
std::optional<SignedInUser> ResolveSession(SessionStore& sessions, UserDirectory& users,
                                           std::string_view token, std::int64_t now_ms, bool touch);

}  // namespace sr::auth
