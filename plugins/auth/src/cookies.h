// The session cookie: HttpOnly (no script can read it), SameSite=Strict (no other site can
// make the browser send it), Secure over HTTPS or when configured. A Secure cookie is named
// "__Host-sr_session": browsers then refuse it from plain HTTP, from a subdomain and with any
// Domain or Path but "/". Browsers (and curl) refuse a "__Host-" cookie without Secure, so
// over plain HTTP without secure_cookies the cookie keeps the name "sr_session".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sr::auth {

inline constexpr std::string_view kSessionCookieName = "sr_session";
inline constexpr std::string_view kSecureSessionCookieName = "__Host-sr_session";

// The name the cookie has in a request of that mode; only this name is accepted.
std::string_view SessionCookieName(bool secure);

// The Set-Cookie value for a new session that the browser may keep for `max_age_s`.
std::string SessionCookie(std::string_view token, std::int64_t max_age_s, bool secure);
// The Set-Cookie value that makes the browser forget the session cookie.
std::string ExpiredSessionCookie(bool secure);

}  // namespace sr::auth
