#include "session_authenticator.h"

namespace sr::auth {

std::optional<SignedInUser> ResolveSession(SessionStore& sessions, UserDirectory& users,
                                           std::string_view token, std::int64_t now_ms,
                                           bool touch) {
  auto session = touch ? sessions.Touch(token, now_ms) : sessions.Peek(token, now_ms);
  if (!session) return std::nullopt;
  auto user = users.FindOrReadThrough(session->user_id);
  if (!user || user->disabled || user->generation != session->user_generation) {
    return std::nullopt;
  }
  return SignedInUser{std::move(*session), std::move(*user)};
}

}  // namespace sr::auth
