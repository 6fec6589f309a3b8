// The session cookie: HttpOnly (no script can read it), SameSite=Strict (no other site can
// make the browser send it), Secure over HTTPS or when configured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sr::auth {

inline constexpr std::string_view kSessionCookieName = "sr_session";

// The Set-Cookie value for a new session that the browser may keep for `max_age_s`.
std::string SessionCookie(std::string_view token, std::int64_t max_age_s, bool secure);
// The Set-Cookie value that makes the browser forget the session cookie.
std::string ExpiredSessionCookie(bool secure);

}  // namespace sr::auth
